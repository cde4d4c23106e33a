package ai.cpift.e2e;

import ai.cpift.cli.Cpift;
import ai.cpift.events.Artifact;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.StageFailed;
import ai.cpift.events.StageOutcome;
import ai.cpift.events.TaskCore;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.TrainingProgressed;
import ai.cpift.local.PlatformServices;
import ai.cpift.local.StackEndpoints;
import ai.cpift.local.TestStack;
import ai.cpift.model.pipeline.Pipeline;
import ai.cpift.model.pipeline.PipelineConfig;
import ai.cpift.model.pipeline.PipelineListener;
import ai.cpift.platform.kafka.KafkaSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform as deployed: the four packaged services as their own JVMs against a real broker and S3
 * server, driven only through {@code cpift submit} and read only from the event log and the bucket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {
    private static final Duration STAGE = Duration.ofMinutes(6);
    private static StackEndpoints stack;
    private static KafkaSettings kafka;
    private static PlatformServices services;
    private static Pipeline.Prepared inputs;
    private static Path home;
    /** Weights of every artefact of the first generation of the plain run, for the fault test to compare. */
    private static Map<String, String> firstRun;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStack.shared();
        kafka = KafkaSettings.of(stack.kafkaBootstrap());
        home = Files.createTempDirectory("cpift-e2e");
        PipelineConfig cfg = PipelineConfig.load(Path.of(PlatformIT.class.getResource("/e2e.yaml").toURI()));
        inputs = Pipeline.prepare(cfg, home.resolve("inputs"), PipelineListener.NONE);
        Path repo = Path.of(System.getProperty("cpift.repo", "..")).toAbsolutePath().normalize();
        services = new PlatformServices(repo, home, stack, freePort(), Map.of("cpift.threads", "1"));
        services.startAll(Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() throws IOException {
        if (services != null) {
            services.close();
        }
        if (home != null) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void threeTasksReachAConsolidatedModelAndAFourthStartsASecondGenerationWithoutRetraining() throws Exception {
        String p = "e2e-main";
        submit(p, inputs.tasks().subList(0, 3));
        List<CpiftEvent> log = PipelineLogs.await(kafka, p, STAGE, e -> PipelineLogs.of(e, ModelConsolidated.class).size() == 1);
        assertEquals(List.of(), PipelineLogs.of(log, StageFailed.class));
        ModelConsolidated c1 = PipelineLogs.of(log, ModelConsolidated.class).getFirst();
        assertEquals(1, c1.generation());
        ModelFused f1 = PipelineLogs.of(log, ModelFused.class).getFirst();
        ClustersFormed g1 = PipelineLogs.of(log, ClustersFormed.class).getFirst();
        assertEquals(names(0, 3), g1.tasks().stream().map(TaskCore::task).sorted().toList());
        assertEquals(g1.groups().size(), c1.stages().size(), "one consolidation stage per group");
        for (StageOutcome s : c1.stages()) {
            assertEquals(0, s.frozenChanged(), "stage " + s.stage() + " kept its frozen elements");
        }
        assertEquals(f1.meta().id(), c1.meta().cause());
        assertEquals(names(0, 3), new ArrayList<>(new TreeMap<>(c1.scores()).keySet()));
        c1.scores().values().forEach(s -> assertEquals(List.of("base", "probe", "fused", "consolidated"), List.copyOf(s.keySet())));
        firstRun = weights(log);

        submit(p, inputs.tasks().subList(3, 4));
        log = PipelineLogs.await(kafka, p, STAGE, e -> PipelineLogs.of(e, ModelConsolidated.class).size() == 2);
        assertEquals(4, PipelineLogs.of(log, TaskRegistered.class).size());
        assertEquals(4, PipelineLogs.of(log, TaskFineTuned.class).size(), "the first three tasks were not trained again");
        assertEquals(4, PipelineLogs.of(log, MaskComputed.class).size());
        ClustersFormed g2 = PipelineLogs.of(log, ClustersFormed.class).get(1);
        assertEquals(2, g2.generation());
        assertEquals(names(0, 4), g2.tasks().stream().map(TaskCore::task).sorted().toList());
        for (TaskCore t : g2.tasks()) {
            TaskCore before = g1.tasks().stream().filter(x -> x.task().equals(t.task())).findFirst().orElse(null);
            if (before != null) {
                assertEquals(before.probe(), t.probe(), "generation 2 reuses the probe of " + t.task());
                assertEquals(before.mask(), t.mask(), "generation 2 reuses the mask of " + t.task());
            }
        }
        assertEquals(2, PipelineLogs.of(log, ModelConsolidated.class).get(1).generation());

        Run audit = cpift("audit", "--pipeline", p);
        assertEquals(0, audit.rc(), audit.out());
        assertTrue(handled("mask") >= 4, "the mask service's metrics count its answers");
        for (Artifact a : List.of(c1.report(), g2.grouping())) {
            assertTrue(audit.out().contains(a.key()) && audit.out().contains(a.sha256()), "audit lists " + a.key() + ":\n" + audit.out());
        }
    }

    @Test
    @Order(2)
    void aTrainerKilledMidFineTuneIsRestartedAndThePipelineEndsWithTheSameArtefactsAndNoDuplicateEvents() throws Exception {
        String p = "e2e-fault";
        submit(p, inputs.tasks().subList(0, 3));
        PipelineLogs.await(kafka, p, STAGE, e -> !PipelineLogs.of(e, TrainingProgressed.class).isEmpty());
        services.get("trainer").kill(); // SIGKILL mid-fine-tune: nothing committed, nothing cleaned up
        java.time.Instant killed = java.time.Instant.now();
        services.start("trainer", Duration.ofMinutes(3));
        List<CpiftEvent> log = PipelineLogs.await(kafka, p, STAGE, e -> PipelineLogs.of(e, ModelConsolidated.class).size() == 1);
        Thread.sleep(3000); // a duplicate answer would show up now
        log = PipelineLogs.await(kafka, p, Duration.ofSeconds(10), e -> PipelineLogs.of(e, ModelConsolidated.class).size() >= 1);
        assertEquals(List.of(), PipelineLogs.of(log, StageFailed.class));
        assertEquals(3, PipelineLogs.of(log, TaskFineTuned.class).size(), "each task fine-tuned once");
        for (TaskFineTuned t : PipelineLogs.of(log, TaskFineTuned.class)) {
            assertTrue(t.meta().time().isAfter(killed), "the killed trainer answered nothing: " + t.task() + " at " + t.meta().time());
        }
        assertEquals(3, PipelineLogs.of(log, MaskComputed.class).size());
        assertEquals(1, PipelineLogs.of(log, ClustersFormed.class).size());
        assertEquals(1, PipelineLogs.of(log, ModelFused.class).size());
        assertEquals(firstRun, weights(log), "the same weights as the run without a fault");
        Run audit = cpift("audit", "--pipeline", p);
        assertEquals(0, audit.rc(), audit.out());
    }

    /** The {@code cpift_stage_inputs_total{outcome="handled"}} counter of a service, from its Prometheus endpoint. */
    private static double handled(String service) throws Exception {
        var uri = java.net.URI.create("http://127.0.0.1:" + services.spec(service).httpPort() + "/q/metrics");
        String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        var m = java.util.regex.Pattern.compile("(?m)^cpift_stage_inputs_total\\{[^}]*outcome=\"handled\"[^}]*service=\"" + service
                + "\"[^}]*} ([0-9.eE+]+)$").matcher(body);
        assertTrue(m.find(), "no handled counter for " + service + " in its metrics:\n" + body.lines().filter(l -> l.startsWith("cpift_")).toList());
        return Double.parseDouble(m.group(1));
    }

    /** SHA-256 of every weights file and mask in the lineage, by what it is (not by key: keys name the pipeline). */
    private static Map<String, String> weights(List<CpiftEvent> log) {
        Map<String, String> w = new TreeMap<>();
        for (TaskFineTuned t : PipelineLogs.of(log, TaskFineTuned.class)) {
            w.put("probe " + t.task(), safetensors(t.probe()));
        }
        for (MaskComputed m : PipelineLogs.of(log, MaskComputed.class)) {
            w.put("mask " + m.task(), m.mask().sha256());
        }
        ModelFused f = PipelineLogs.of(log, ModelFused.class).getFirst();
        w.put("fused", safetensors(f.fused()));
        for (StageOutcome s : PipelineLogs.of(log, ModelConsolidated.class).getFirst().stages()) {
            w.put("stage " + s.stage(), safetensors(s.model()));
        }
        return w;
    }

    private static String safetensors(ModelRef m) {
        return m.files().stream().filter(a -> a.key().endsWith(".safetensors")).map(Artifact::sha256).sorted().toList().toString();
    }

    private static List<String> names(int from, int to) {
        return inputs.tasks().subList(from, to).stream().map(PipelineConfig.TaskFiles::name).sorted().toList();
    }

    private static void submit(String pipeline, List<PipelineConfig.TaskFiles> tasks) {
        List<String> a = new ArrayList<>(List.of("submit", "--pipeline", pipeline, "--base", inputs.base().toString(),
                "--probe-steps", "60", "--probe-lr", "3e-3", "--probe-batch", "8", "--tau", "0.1", "--seed", "3",
                "--consolidation-steps", "10", "--consolidation-batch", "8", "--per-task", "16", "--max-length", "96"));
        for (PipelineConfig.TaskFiles t : tasks) {
            a.add("--task");
            a.add(t.name() + "=" + t.train() + "," + t.eval());
        }
        Run r = cpift(a.toArray(String[]::new));
        assertEquals(0, r.rc(), r.out());
    }

    private record Run(int rc, String out) {
    }

    private static Run cpift(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka", stack.kafkaBootstrap(), "--s3-endpoint", stack.s3Endpoint(), "--s3-access-key", stack.accessKey(),
                "--s3-secret-key", stack.secretKey(), "--bucket", stack.bucket()));
        StringWriter out = new StringWriter();
        var cl = Cpift.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int rc = cl.execute(all.toArray(String[]::new));
        return new Run(rc, out.toString());
    }

    private static int freePort() throws IOException {
        for (int tries = 0; tries < 50; tries++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            if (base + PlatformServices.NAMES.size() < 65536 && free(base, PlatformServices.NAMES.size())) {
                return base;
            }
        }
        throw new IOException("no " + PlatformServices.NAMES.size() + " consecutive free ports found");
    }

    private static boolean free(int base, int n) {
        for (int i = 0; i < n; i++) {
            try (ServerSocket s = new ServerSocket(base + i)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
