package ai.cpift.trainer;

import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.events.Artifact;
import ai.cpift.events.Names;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.events.TrainingProgressed;
import ai.cpift.local.CpiftStackResource;
import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.SftJsonlReader;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.eval.Evaluator;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.pipeline.ModelDiff;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.cpift.platform.kafka.WorkerStats;
import ai.cpift.service.Platform;
import ai.cpift.service.StageWorkers;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** task-registered → task-finetuned against the real broker and S3 server, with a 1 s max.poll.interval.ms. */
@QuarkusTest
@QuarkusTestResource(value = CpiftStackResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = WorkDirResource.class, restrictToAnnotatedClass = false)
class ProbeFineTuneTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER = Duration.ofSeconds(90);

    @Inject
    Platform platform;
    @Inject
    StageWorkers workers;
    @TempDir
    Path dir;

    Bus bus() {
        return new Bus(platform.kafka());
    }

    TaskRegistered register(String pipeline, String task, int shift, int steps, int batch) throws Exception {
        Path base = Fixtures.tinyModel(dir.resolve(pipeline + "-base"), 3);
        Path data = Fixtures.letters(dir.resolve(pipeline + "-" + task + ".jsonl"), shift);
        return Fixtures.registered(platform.store(), pipeline, task, base, data, data, Fixtures.settings(steps, batch));
    }

    @Test
    void aRegisteredTaskIsFineTunedOnceIntoAProbeThatLoadsAndDiffersFromTheBase() throws Exception {
        TaskRegistered in = register("probe-ok", "next", 1, 60, 8);
        bus().publish(in);
        TaskFineTuned out = assertInstanceOf(TaskFineTuned.class, bus().answerTo(in.meta().id(), ANSWER));
        assertEquals(ObjectKeys.probe("probe-ok", "next"), out.probe().prefix());
        assertEquals(60, out.steps());
        assertTrue(out.tokens() > 60 * 8, "tokens " + out.tokens());
        Path probe = platform.store().getFolder(out.probe(), dir.resolve("probe"));
        Path base = platform.store().getFolder(in.base(), dir.resolve("base"));
        assertTrue(ModelDiff.relativeDistance(base, probe) > 1e-3, "the probe hardly moved from the base");
        assertEquals(List.of("base", "probe"), List.copyOf(out.scores().keySet()));
        out.scores().values().forEach(v -> assertTrue(v >= 0 && v <= 100, "score " + v));
        // the probe's score recomputed with the library directly, on the downloaded folder
        assertEquals(exactMatch(probe, dir.resolve("probe-ok-next.jsonl")), out.scores().get("probe"), 1e-9);
        assertEquals(exactMatch(base, dir.resolve("probe-ok-next.jsonl")), out.scores().get("base"), 1e-9);
        JsonNode curve = json(out.probe().files().stream().filter(a -> a.key().endsWith("/training.json")).findFirst().orElseThrow())
                .path("loss_curve");
        assertTrue(curve.get(curve.size() - 1).get(1).asDouble() < curve.get(0).get(1).asDouble() - 0.5, "the probe did not learn: " + curve);
        assertEquals(1, bus().all(List.of(Topics.TASK_FINETUNED), e -> e.key().equals(in.key())).size());
    }

    @Test
    void aTrainingManyTimesLongerThanThePollIntervalKeepsItsPartitionAndRunsOnce() throws Exception {
        assertEquals("1000", String.valueOf(platform.kafka().overrides().get("consumer.max.poll.interval.ms")),
                "the test profile must shorten max.poll.interval.ms, or this test proves nothing");
        int steps = 600; // ~7 s on an idle 2-core machine, longer when it is shared
        TaskRegistered in = register("probe-long", "prev", 25, steps, 32);
        long handledBefore = stats().handled();
        bus().publish(in);
        TaskFineTuned out = assertInstanceOf(TaskFineTuned.class, bus().answerTo(in.meta().id(), ANSWER));
        JsonNode training = json(out.probe().files().stream().filter(a -> a.key().endsWith("/training.json")).findFirst().orElseThrow());
        assertEquals(0, training.path("resumed_from_step").asInt(), "the run was interrupted and resumed");
        assertTrue(out.seconds() > 5, "the fine-tune took " + out.seconds() + " s: not several times the 1 s poll interval");
        // one run: each progress report exactly once, in order
        String taskId = Names.taskId("probe-long", "prev");
        List<Integer> reported = bus().all(List.of(Topics.TRAINING_PROGRESS), e -> e.key().equals(taskId)).stream()
                .map(e -> ((TrainingProgressed) e).step()).toList();
        assertEquals(IntStream.rangeClosed(1, steps / 10).map(i -> i * 10).boxed().toList(), reported);
        assertEquals(1, bus().all(List.of(Topics.TASK_FINETUNED), e -> e.key().equals(in.key())).size());
        assertEquals(handledBefore + 1, stats().handled());
        try (Admin admin = Admin.create(platform.kafka().common("trainer-test-admin"))) {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of("cpift-trainer")).all().get().get("cpift-trainer");
            assertEquals(1, g.members().size(), "members of cpift-trainer: " + g.members());
            assertFalse(g.members().iterator().next().assignment().topicPartitions().isEmpty());
        }
    }

    @Test
    void aRedeliveredEventIsNotAnsweredTwiceAndANewOneReusesTheStoredProbe() throws Exception {
        TaskRegistered in = register("probe-again", "skip", 2, 30, 8);
        bus().publish(in);
        TaskFineTuned first = assertInstanceOf(TaskFineTuned.class, bus().answerTo(in.meta().id(), ANSWER));
        Artifact weights = first.probe().files().stream().filter(a -> a.key().endsWith("model.safetensors")).findFirst().orElseThrow();

        long duplicates = stats().duplicates();
        bus().publish(in);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (stats().duplicates() == duplicates && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertEquals(duplicates + 1, stats().duplicates(), "the redelivered event was not skipped as answered");
        assertEquals(1, bus().all(List.of(Topics.TASK_FINETUNED), e -> in.meta().id().equals(e.meta().cause())).size());

        TaskRegistered again = new TaskRegistered(Fixtures.meta("probe-again"), in.task(), in.settings(), in.base(), in.train(), in.eval());
        long start = System.nanoTime();
        bus().publish(again);
        TaskFineTuned second = assertInstanceOf(TaskFineTuned.class, bus().answerTo(again.meta().id(), ANSWER));
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "reusing a stored probe should take no training");
        assertEquals(first.probe(), second.probe());
        assertEquals(first.scores(), second.scores());
        assertEquals(first.seconds(), second.seconds());
        assertEquals(weights, platform.store().stat(weights.key()).orElseThrow());
        assertTrue(bus().all(List.of(Topics.TRAINING_PROGRESS), e -> again.meta().id().equals(e.meta().cause())).isEmpty(),
                "the reused probe was trained again");
    }

    @Test
    void aMalformedDatasetLineFailsTheTaskNamingKeyAndLineAndTheServiceGoesOn() throws Exception {
        Path base = Fixtures.tinyModel(dir.resolve("bad-base"), 3);
        Path bad = Fixtures.letters(dir.resolve("bad.jsonl"), 1);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(bad));
        lines.set(2, "{\"prompt\": \"c\", \"answer\": \"d\"}");
        Files.write(bad, lines);
        TaskRegistered in = Fixtures.registered(platform.store(), "probe-bad", "broken", base, bad, null, Fixtures.settings(20, 8));
        bus().publish(in);
        StageFailed failed = assertInstanceOf(StageFailed.class, bus().answerTo(in.meta().id(), ANSWER));
        assertEquals("trainer", failed.stage());
        assertEquals(in.key(), failed.subject());
        assertEquals("broken", failed.task());
        assertEquals(TaskRegistered.TYPE, failed.failedType());
        assertTrue(failed.reason().contains("dataset " + ObjectKeys.trainData("probe-bad", "broken") + " line 3"), failed.reason());
        assertFalse(failed.reason().contains(platform.config().workDir().toString()), "the reason names a work file: " + failed.reason());

        TaskRegistered missing = new TaskRegistered(Fixtures.meta("probe-bad"), "gone", in.settings(), in.base(),
                new Artifact(ObjectKeys.trainData("probe-bad", "gone"), in.train().sha256(), in.train().bytes()), null);
        bus().publish(missing);
        StageFailed gone = assertInstanceOf(StageFailed.class, bus().answerTo(missing.meta().id(), ANSWER));
        assertTrue(gone.reason().contains(ObjectKeys.trainData("probe-bad", "gone")) && gone.reason().contains("missing"), gone.reason());

        Path good = Fixtures.letters(dir.resolve("good.jsonl"), 1);
        TaskRegistered ok = Fixtures.registered(platform.store(), "probe-bad", "fine", base, good, null, Fixtures.settings(20, 8));
        bus().publish(ok);
        TaskFineTuned answered = assertInstanceOf(TaskFineTuned.class, bus().answerTo(ok.meta().id(), ANSWER));
        assertTrue(answered.scores().isEmpty(), "no eval data, no scores: " + answered.scores());
        assertNotEquals(0, answered.tokens());
    }

    private WorkerStats stats() {
        return workers.stats().get("trainer");
    }

    private JsonNode json(Artifact a) throws Exception {
        return JSON.readTree(platform.store().getBytes(a));
    }

    /** Exact match (%) computed here with the library, as the service is configured to score. */
    static double exactMatch(Path model, Path data) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(model)) {
            LoadedModel loaded = ModelLoader.load(model, m);
            Evaluator ev = new Evaluator(loaded.model(), tok, PromptTemplate.defaults(), new EvalParams(4, 32, 32));
            return 100.0 * ev.evaluate(data.toString(), CheckpointDigest.sha256(List.of(data)), SftJsonlReader.readAll(data), m).exactMatch();
        }
    }

}
