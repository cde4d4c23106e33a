package ai.cpift.fusion;

import ai.cpift.service.testing.Fixtures;
import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.fusion.CoreFusion;
import ai.cpift.core.fusion.FusionOptions;
import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.core.fusion.FusionTask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import ai.cpift.core.tensor.FloatCodec;
import ai.cpift.events.Artifact;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskCore;
import ai.cpift.events.Topics;
import ai.cpift.local.CpiftStackResource;
import ai.cpift.platform.kafka.EventPublisher;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.service.Platform;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static ai.cpift.service.testing.Fixtures.shapes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fusion service against a real broker and S3 server: clusters-formed in, model-fused or stage-failed out. */
@QuarkusTest
@QuarkusTestResource(value = CpiftStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FusionServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** One tensor of 8 elements; p = 25 gives cores of ⌊25·8/100⌋ = 2 elements. */
    private static final PipelineSettings SETTINGS = Fixtures.settings(25);
    private static final Map<String, long[]> SHAPES = shapes("w", new long[]{8});
    private static final float[] BASE = {0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f};
    /** Task a moves most at 1 (5) and 3 (2); task b at 3 (4) and 6 (3): element 3 is in both cores, b's move is larger. */
    private static final float[] DA = {0.01f, 5, 0.02f, 2, 0.03f, 0.01f, 0.02f, 0.01f};
    private static final float[] DB = {0.02f, 0.01f, 0.03f, 4, 0.01f, 0.02f, 3, 0.03f};

    @Inject
    Platform platform;

    private ObjectStore store;
    private EventPublisher publisher;
    private Fixtures.Answers answers;
    private Path dir;

    @BeforeAll
    void setUp() throws Exception {
        store = platform.store();
        publisher = new EventPublisher(platform.kafka(), "fusion-test-publisher");
        answers = new Fixtures.Answers(platform.kafka(), List.of(Topics.MODEL_FUSED, Topics.STAGE_FAILED));
        dir = Fixtures.temp("fusion-test");
    }

    @AfterAll
    void tearDown() {
        answers.close();
        publisher.close();
    }

    private record Stored(ModelRef base, List<TaskCore> tasks, Path localBase, List<FusionTask> local) {
    }

    /** Base and the two tasks (probe and mask computed by the library) stored under pipeline {@code p}, kept locally too. */
    private Stored store(String p) throws Exception {
        Path local = dir.resolve(p);
        Path base = Fixtures.model(local.resolve("base"), SHAPES, Map.of("w", BASE));
        ModelRef baseRef = store.putFolder(ObjectKeys.base(p), base);
        List<TaskCore> tasks = new ArrayList<>();
        List<FusionTask> fusion = new ArrayList<>();
        for (String t : List.of("a", "b")) {
            float[] d = t.equals("a") ? DA : DB;
            float[] w = new float[8];
            for (int i = 0; i < 8; i++) {
                w[i] = BASE[i] + d[i];
            }
            Path probe = Fixtures.model(local.resolve(t), SHAPES, Map.of("w", w));
            Path mask = local.resolve(t + ".mask");
            try (Checkpoint cb = Checkpoint.open(base); Checkpoint ct = Checkpoint.open(probe)) {
                CoreRegion.Result r = CoreRegion.compute(cb, ct, CoreRegionParams.of(25).withThreads(1), t, CheckpointDigest.sha256(cb),
                        CheckpointDigest.sha256(ct), ProgressListener.NONE);
                MaskFile.write(mask, r.header(), r.bitmaps());
            }
            ModelRef probeRef = store.putFolder(ObjectKeys.probe(p, t), probe);
            Artifact maskRef = store.putFile(ObjectKeys.mask(p, t), mask);
            Artifact train = store.putBytes(ObjectKeys.trainData(p, t), "{\"instruction\":\"x\",\"output\":\"y\"}\n".getBytes(StandardCharsets.UTF_8));
            tasks.add(new TaskCore(t, probeRef, maskRef, 2, train, null, "mask-event-" + t));
            fusion.add(FusionTask.of(t, probe, mask));
        }
        return new Stored(baseRef, tasks, base, fusion);
    }

    private ClustersFormed event(String p, int g, Stored s) throws Exception {
        Artifact grouping = store.putBytes(ObjectKeys.grouping(p, g), "{\"groups\":[[\"a\",\"b\"]]}".getBytes(StandardCharsets.UTF_8));
        return new ClustersFormed(Fixtures.meta(p), g, SETTINGS, s.base(), s.tasks(), List.of(List.of(1.0, 1 / 3.0), List.of(1 / 3.0, 1.0)),
                List.of(List.of("a", "b")), List.of("a", "b"), grouping);
    }

    private CpiftEvent answer(ClustersFormed e) throws Exception {
        publisher.publish(e);
        return answers.await(e.meta().id(), WAIT);
    }

    @Test
    void theFusedModelIsCoreFusionsAndCoresCarryTheirTasksValues() throws Exception {
        Stored s = store("fusion-ok");
        ClustersFormed in = event("fusion-ok", 1, s);
        ModelFused out = assertInstanceOf(ModelFused.class, answer(in));
        assertEquals(ObjectKeys.fused("fusion-ok", 1), out.fused().prefix());
        assertEquals(List.of("a", "b"), out.order());
        assertEquals(in.tasks(), out.tasks());
        // by hand: cores {1, 3} and {3, 6}; their union of 3 elements comes from a core
        assertEquals(3, out.coreElements());

        Path fused = store.getFolder(out.fused(), dir.resolve("fused-from-bucket"));
        float[] w = read(fused);
        assertEquals(BASE[1] + DA[1], w[1]);
        assertEquals(BASE[3] + DB[3], w[3], "element 3: b's move (4) beats a's (2)");
        assertEquals(BASE[6] + DB[6], w[6]);

        Path direct = dir.resolve("fused-direct");
        CoreFusion.fuse(s.localBase(), s.local(), direct, FusionOptions.defaults().withThreads(1).withVerifyDigests(true), FusionProgress.NONE);
        List<String> files;
        try (var l = Files.list(direct)) {
            files = l.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertTrue(files.contains("model.safetensors"), files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(direct.resolve(f)), Files.readAllBytes(fused.resolve(f)), f);
        }
        assertEquals(files.size() + 1, out.fused().files().size(), "the fused folder holds the model's files and fusion.json");
    }

    @Test
    void aRedeliveredEventIsAnsweredOnceAndANewOneReusesTheStoredModel() throws Exception {
        Stored s = store("fusion-again");
        ClustersFormed first = event("fusion-again", 1, s);
        ModelFused one = assertInstanceOf(ModelFused.class, answer(first));
        publisher.publish(first);
        ClustersFormed second = new ClustersFormed(Fixtures.meta("fusion-again"), 1, SETTINGS, first.base(), first.tasks(), first.jaccard(),
                first.groups(), first.order(), first.grouping());
        ModelFused two = assertInstanceOf(ModelFused.class, answer(second));
        assertEquals(one.fused(), two.fused());
        assertEquals(one.coreElements(), two.coreElements());
        answers.readAll();
        assertEquals(1, answers.answersTo(first.meta().id()).size(), "the redelivered event was answered again");
    }

    @Test
    void aCorruptInputObjectFailsNamingItsKey() throws Exception {
        Stored s = store("fusion-corrupt");
        ClustersFormed in = event("fusion-corrupt", 1, s);
        String key = ObjectKeys.mask("fusion-corrupt", "b");
        store.putBytes(key, "not the mask the event recorded".getBytes(StandardCharsets.UTF_8));
        StageFailed f = assertInstanceOf(StageFailed.class, answer(in));
        assertEquals("fusion", f.stage());
        assertTrue(f.reason().contains(key) && f.reason().contains("does not match its record"), f.reason());
        assertTrue(store.folder(ObjectKeys.fused("fusion-corrupt", 1)).isEmpty(), "nothing stored for a failed fusion");
    }

    private static float[] read(Path model) throws Exception {
        try (Checkpoint c = Checkpoint.open(model)) {
            var t = c.info("w");
            float[] out = new float[(int) t.numel()];
            FloatCodec.decode(t.dtype(), c.data(t), 0, out, 0, out.length);
            return out;
        }
    }
}
