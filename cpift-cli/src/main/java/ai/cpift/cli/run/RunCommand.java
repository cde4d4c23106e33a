package ai.cpift.cli.run;

import ai.cpift.cli.train.Threads;
import ai.cpift.model.pipeline.Pipeline;
import ai.cpift.model.pipeline.PipelineConfig;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift run}: the whole method (and with --baselines, what it is compared with) from a pipeline file to a report. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run CPI-FT end to end: base model, probe fine-tunes, core masks, groups, fusion, multi-stage consolidation,",
                "and with --baselines multi-task SFT, multi-stage SFT over random groups and sequential A->B with and without freezing.",
                "Writes report.md, report.html and report.json into --out. Run again on the same --out to resume a stopped run:",
                "finished stages are skipped, a training resumes at its last checkpoint. See examples/benchmark.yaml."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (new, or one this command wrote with the same file).")
    Path out;

    @Option(names = "--baselines", description = "Also run the baselines.")
    boolean baselines;

    @Option(names = "--seed", paramLabel = "S", description = "Override the pipeline file's seed (for repeated runs).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        PipelineConfig cfg = PipelineConfig.load(config);
        if (seed != null) {
            cfg = cfg.withSeed(seed);
        }
        Threads.beforeEngineStarts(cfg.threads());
        var err = spec.commandLine().getErr();
        JsonNode report = Pipeline.run(cfg, out, baselines, new RunLog(err));
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%-58s %8s%n", "model", "mean EM");
        for (JsonNode m : report.path("models")) {
            String kind = m.path("kind").asText();
            if (!kind.equals("probe") && !kind.equals("stage")) {
                o.printf(Locale.ROOT, "%-58s %7.1f%%%n", m.path("id").asText() + " (" + m.path("label").asText() + ")",
                        100 * m.path("mean_exact_match").asDouble());
            }
        }
        o.println("report: " + out.resolve("report.md") + ", " + out.resolve("report.html"));
        return 0;
    }
}
