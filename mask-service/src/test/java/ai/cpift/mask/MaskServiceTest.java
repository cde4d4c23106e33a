package ai.cpift.mask;

import ai.cpift.service.testing.Fixtures;
import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import ai.cpift.events.Artifact;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.Topics;
import ai.cpift.local.CpiftStackResource;
import ai.cpift.platform.kafka.EventPublisher;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.service.Platform;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.roaringbitmap.RoaringBitmap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.cpift.service.testing.Fixtures.shapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mask service against a real broker and S3 server: task-finetuned in, mask-computed or stage-failed out. */
@QuarkusTest
@QuarkusTestResource(value = CpiftStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaskServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String P = "mask-test";
    /** D = 16 + 4 = 20 floating elements; p = 25 gives ⌊25·20/100⌋ = 5 core elements. */
    private static final PipelineSettings SETTINGS = Fixtures.settings(25);
    private static final Map<String, long[]> SHAPES = shapes("a.weight", new long[]{4, 4}, "b.bias", new long[]{4});

    @Inject
    Platform platform;

    private ObjectStore store;
    private EventPublisher publisher;
    private Fixtures.Answers answers;
    private Path dir;
    private ModelRef base;
    private float[] baseA;
    private float[] baseB;

    @BeforeAll
    void setUp() throws Exception {
        store = platform.store();
        publisher = new EventPublisher(platform.kafka(), "mask-test-publisher");
        answers = new Fixtures.Answers(platform.kafka(), List.of(Topics.MASK_COMPUTED, Topics.STAGE_FAILED));
        dir = Fixtures.temp("mask-test");
        baseA = new float[16];
        baseB = new float[4];
        for (int i = 0; i < 16; i++) {
            baseA[i] = 0.25f * i - 1;
        }
        for (int i = 0; i < 4; i++) {
            baseB[i] = 0.5f - 0.125f * i;
        }
        base = store.putFolder(ObjectKeys.base(P), Fixtures.model(dir.resolve("base"), SHAPES, Map.of("a.weight", baseA, "b.bias", baseB)));
    }

    @AfterAll
    void tearDown() {
        answers.close();
        publisher.close();
    }

    /** The probe: the base plus small moves (below 0.2) everywhere and five large ones at known places. */
    private ModelRef probe(String task, Map<String, long[]> shapes, float bad) throws Exception {
        float[] a = new float[(int) (shapes.get("a.weight")[0] * shapes.get("a.weight")[1])];
        float[] b = new float[4];
        for (int i = 0; i < a.length; i++) {
            a[i] = baseA[i % 16] + 0.01f * (i % 7);
        }
        for (int i = 0; i < 4; i++) {
            b[i] = baseB[i] + 0.03f * i;
        }
        a[0] += 5;      // |Δ| 5
        a[5] -= 4;      // |Δ| 4 (+0.05 from the small move: 3.95)
        a[10] += 3;     // 3.03
        b[1] += 2.5f;   // 2.53
        b[3] -= 2;      // |-2 + 0.09| = 1.91
        b[2] = bad;
        Path d = Fixtures.model(dir.resolve(task), shapes, Map.of("a.weight", a, "b.bias", b));
        return store.putFolder(ObjectKeys.probe(P, task), d);
    }

    private TaskFineTuned event(String task, ModelRef probe) throws Exception {
        Artifact train = store.putBytes(ObjectKeys.trainData(P, task), "{\"instruction\":\"x\",\"output\":\"y\"}\n".getBytes(StandardCharsets.UTF_8));
        return new TaskFineTuned(Fixtures.meta(P), task, SETTINGS, base, train, null, probe, 10, 100, 1.0, Map.of());
    }

    private CpiftEvent answer(TaskFineTuned e) throws Exception {
        publisher.publish(e);
        return answers.await(e.meta().id(), WAIT);
    }

    @Test
    @Order(1)
    void theStoredMaskIsTheCoreRegionOfTheProbe() throws Exception {
        ModelRef probe = probe("good", SHAPES, baseB[2] + 0.06f);
        TaskFineTuned in = event("good", probe);
        MaskComputed out = assertInstanceOf(MaskComputed.class, answer(in));

        // by hand: the five large moves, the smallest of them |Δ| of b.bias[3]
        assertEquals(5, out.coreElements());
        assertEquals(ObjectKeys.mask(P, "good"), out.mask().key());
        CoreMask stored = MaskFile.read(store.get(out.mask(), dir.resolve("good.mask")));
        assertEquals(RoaringBitmap.bitmapOf(0, 5, 10), stored.bitmap("a.weight").toRoaringBitmap());
        assertEquals(RoaringBitmap.bitmapOf(1, 3), stored.bitmap("b.bias").toRoaringBitmap());
        assertEquals(Math.abs((baseB[3] + 0.09f - 2) - baseB[3]), (float) out.threshold(), 1e-6);
        assertEquals(20, stored.header().totalElements());

        // the library run directly on the same files gives the same bitmaps and digests
        Path b = store.getFolder(base, dir.resolve("direct-base"));
        Path t = store.getFolder(probe, dir.resolve("direct-probe"));
        try (Checkpoint cb = Checkpoint.open(b); Checkpoint ct = Checkpoint.open(t)) {
            CoreRegion.Result r = CoreRegion.compute(cb, ct, CoreRegionParams.of(25).withThreads(1), "good",
                    CheckpointDigest.sha256(cb), CheckpointDigest.sha256(ct), ProgressListener.NONE);
            assertEquals(r.header().tensors().size(), stored.tensors().size());
            for (var e : r.bitmaps().entrySet()) {
                assertEquals(e.getValue(), stored.bitmap(e.getKey()).toRoaringBitmap(), e.getKey());
            }
            assertEquals(r.header().baseSha256(), stored.header().baseSha256());
            assertEquals(r.header().tunedSha256(), stored.header().tunedSha256());
            assertEquals(r.header().selected(), stored.header().selected());
        }
    }

    @Test
    @Order(2)
    void aRedeliveredEventIsAnsweredOnceAndANewOneReusesTheStoredMask() throws Exception {
        ModelRef probe = probe("again", SHAPES, baseB[2]);
        TaskFineTuned first = event("again", probe);
        MaskComputed one = assertInstanceOf(MaskComputed.class, answer(first));
        publisher.publish(first);
        // The probe goes away: only a reuse of the stored mask can answer the next event (same task, same partition,
        // so it is handled after the redelivered one).
        try (MinioClient c = MinioClient.builder().endpoint(store.config().endpoint())
                .credentials(store.config().accessKey(), store.config().secretKey()).build()) {
            c.removeObject(RemoveObjectArgs.builder().bucket(store.config().bucket()).object(probe.prefix() + "model.safetensors").build());
        }
        TaskFineTuned second = new TaskFineTuned(Fixtures.meta(P), "again", SETTINGS, base, first.train(), null, probe, 10, 100, 1, Map.of());
        MaskComputed two = assertInstanceOf(MaskComputed.class, answer(second));
        assertEquals(one.mask(), two.mask());
        assertEquals(one.coreElements(), two.coreElements());
        assertEquals(one.mask(), store.stat(one.mask().key()).orElseThrow());
        answers.readAll();
        assertEquals(1, answers.answersTo(first.meta().id()).size(), "the redelivered event was answered again");
    }

    @Test
    @Order(3)
    void aNaNInTheProbeFailsNamingTheTensor() throws Exception {
        StageFailed f = assertInstanceOf(StageFailed.class, answer(event("nan", probe("nan", SHAPES, Float.NaN))));
        assertEquals("mask", f.stage());
        assertEquals("nan", f.task());
        assertTrue(f.reason().contains("'b.bias'") && f.reason().contains(ObjectKeys.probe(P, "nan")), f.reason());
    }

    @Test
    @Order(4)
    void aProbeOfAnotherShapeFailsNamingTensorAndShapes() throws Exception {
        Map<String, long[]> other = shapes("a.weight", new long[]{2, 8}, "b.bias", new long[]{4});
        StageFailed f = assertInstanceOf(StageFailed.class, answer(event("shape", probe("shape", other, 0))));
        assertTrue(f.reason().contains("'a.weight'") && f.reason().contains("[2, 8]") && f.reason().contains("[4, 4]")
                && f.reason().contains(ObjectKeys.probe(P, "shape")), f.reason());
    }

    @Test
    @Order(5)
    void aMissingProbeFailsNamingTheKey() throws Exception {
        String key = ObjectKeys.probe(P, "missing") + "model.safetensors";
        ModelRef never = new ModelRef(ObjectKeys.probe(P, "missing"), List.of(new Artifact(key, "ab".repeat(32), 1234)));
        StageFailed f = assertInstanceOf(StageFailed.class, answer(event("missing", never)));
        assertTrue(f.reason().contains(key) && f.reason().contains("missing"), f.reason());
    }

    @Test
    @Order(6)
    void theServiceStillServesAfterFailures() throws Exception {
        Random rnd = new Random(3);
        float[] a = new float[16];
        float[] b = new float[4];
        for (int i = 0; i < 16; i++) {
            a[i] = baseA[i] + (float) rnd.nextGaussian();
        }
        for (int i = 0; i < 4; i++) {
            b[i] = baseB[i] + (float) rnd.nextGaussian();
        }
        ModelRef probe = store.putFolder(ObjectKeys.probe(P, "later"),
                Fixtures.model(dir.resolve("later"), SHAPES, Map.of("a.weight", a, "b.bias", b)));
        MaskComputed out = assertInstanceOf(MaskComputed.class, answer(event("later", probe)));
        assertEquals(5, out.coreElements());
    }
}
