package ai.cpift.cli.demo;

import ai.cpift.cli.Cpift;
import ai.cpift.cli.run.RunLog;
import ai.cpift.cli.stack.StackHome;
import ai.cpift.cli.train.Threads;
import ai.cpift.local.LocalStack;
import ai.cpift.local.PlatformServices;
import ai.cpift.local.StackEndpoints;
import ai.cpift.model.pipeline.Pipeline;
import ai.cpift.model.pipeline.PipelineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The README's first command: the whole platform on this machine. Builds the services if their jars are
 * missing, starts the local stack and the four services, makes the demo's tasks and base model, submits
 * them as any user would ({@code cpift submit}), follows the pipeline ({@code cpift status --follow})
 * to its per-task scores, then stops the services and leaves the stack up for {@code cpift audit}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the platform end to end here: stack, four services, demo tasks, scores (about 10 minutes on 2 cores).")
public final class DemoCommand implements Callable<Integer> {
    /** Issue 5's limit for the whole demo on a fresh clone. */
    private static final int TARGET_MINUTES = 15;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Tasks, base and CPI-FT setting. Default: examples/demo.yaml.")
    Path config;

    @Option(names = "--pipeline", paramLabel = "P", defaultValue = "demo", description = "Pipeline name. Default: ${DEFAULT-VALUE}; "
            + "a pipeline that already ran is shown, not run again.")
    String pipeline;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "18181", description = "HTTP port of the first service (health, "
            + "metrics); the others follow. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", description = "Give up following after this long. "
            + "Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--keep-services", description = "Leave the four services running afterwards (stop them with Ctrl-C).")
    boolean keepServices;

    @Mixin
    StackHome home;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        Path repo = ServiceJars.repo();
        Path root = home.root();
        PipelineConfig cfg = PipelineConfig.load(config == null ? repo.resolve("examples").resolve("demo.yaml") : config);
        Threads.beforeEngineStarts(cfg.threads());
        ServiceJars.buildIfMissing(repo, err);
        say(err, "starting the local stack (Kafka, S3) in " + root);
        StackEndpoints endpoints = LocalStack.at(root).up();
        say(err, "preparing the demo's tasks and base model (pre-training the base the first time, a few minutes)");
        Pipeline.Prepared in = Pipeline.prepare(cfg, root.resolve("demo").resolve(cfg.name()), new RunLog(err));
        try (PlatformServices services = new PlatformServices(repo, root, endpoints, port, Map.of("cpift.threads", "1"))) {
            say(err, "starting trainer, mask, cluster and fusion services (logs in " + root.resolve("logs") + ")");
            services.startAll(Duration.ofMinutes(3));
            say(err, "submitting " + in.tasks().size() + " tasks to pipeline '" + pipeline + "'");
            int rc = cpift(submitArgs(cfg, in, endpoints));
            if (rc != 0) {
                return rc;
            }
            say(err, "following the pipeline (cpift status --pipeline " + pipeline + " --follow)");
            List<String> status = new ArrayList<>(List.of("status", "--pipeline", pipeline, "--follow", "--timeout", timeout));
            status.addAll(stackArgs(endpoints));
            rc = cpift(status);
            long s = (System.nanoTime() - started) / 1_000_000_000L;
            say(err, String.format(Locale.ROOT, "%s in %d min %02d s (target: under %d min on 2 cores, building included)",
                    rc == 0 ? "finished" : "stopped", s / 60, s % 60, TARGET_MINUTES));
            say(err, rc == 0 ? "done. The lineage: ./cpift audit --pipeline " + pipeline + "; stop the stack: ./cpift stack down"
                    : "the pipeline did not finish cleanly (exit " + rc + "); the services' logs are in " + root.resolve("logs"));
            if (keepServices) {
                say(err, "services keep running; Ctrl-C stops them");
                Thread.currentThread().join();
            }
            return rc;
        }
    }

    /** The stack's endpoints as options, so the commands run here talk to the stack this demo started. */
    private static List<String> stackArgs(StackEndpoints e) {
        return List.of("--kafka", e.kafkaBootstrap(), "--s3-endpoint", e.s3Endpoint(), "--s3-access-key", e.accessKey(),
                "--s3-secret-key", e.secretKey(), "--bucket", e.bucket());
    }

    private List<String> submitArgs(PipelineConfig cfg, Pipeline.Prepared in, StackEndpoints endpoints) {
        PipelineConfig.Method m = cfg.methods().getFirst();
        List<String> a = new ArrayList<>(List.of("submit", "--pipeline", pipeline, "--base", in.base().toString(),
                "--probe-steps", Integer.toString(m.probe().steps()), "--probe-lr", Double.toString(m.probe().lr()),
                "--probe-batch", Integer.toString(batch(cfg, m.probe())), "--top-percent", Double.toString(m.topPercent()),
                "--tau", Double.toString(m.tau()), "--stage-order", m.order(), "--seed", Long.toString(cfg.seed()),
                "--consolidation-steps", Integer.toString(m.consolidation().steps()),
                "--consolidation-lr", Double.toString(m.consolidation().lr()),
                "--consolidation-batch", Integer.toString(batch(cfg, m.consolidation())),
                "--consolidation-data", m.consolidationData(), "--per-task", Integer.toString(m.perTask()),
                "--max-length", Integer.toString(cfg.maxLength())));
        a.addAll(stackArgs(endpoints));
        for (PipelineConfig.TaskFiles t : in.tasks()) {
            a.add("--task");
            a.add(t.name() + "=" + t.train() + (t.eval() == null ? "" : "," + t.eval()));
        }
        return a;
    }

    private static int batch(PipelineConfig cfg, PipelineConfig.Training t) {
        return t.batchSize() > 0 ? t.batchSize() : cfg.batchSize();
    }

    /** Runs another cpift command in this process, with this command's output streams. */
    private int cpift(List<String> args) {
        CommandLine c = Cpift.commandLine();
        c.setOut(spec.commandLine().getOut());
        c.setErr(spec.commandLine().getErr());
        return c.execute(args.toArray(String[]::new));
    }

    static void say(PrintWriter err, String line) {
        err.println(String.format(Locale.ROOT, "[demo] %s", line));
        err.flush();
    }
}
