package ai.cpift.trainer;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.fusion.CoreFusion;
import ai.cpift.core.fusion.FusionOptions;
import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.core.fusion.FusionTask;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.events.Artifact;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageOutcome;
import ai.cpift.events.TaskCore;
import ai.cpift.events.Topics;
import ai.cpift.local.CpiftStackResource;
import ai.cpift.model.train.SftTrainer;
import ai.cpift.model.train.TrainJob;
import ai.cpift.model.train.TrainListener;
import ai.cpift.model.train.TrainParams;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.service.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model-fused → model-consolidated on a tiny fused model of two one-task groups. */
@QuarkusTest
@QuarkusTestResource(value = CpiftStackResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = WorkDirResource.class, restrictToAnnotatedClass = false)
class ConsolidationTest {
    private static final String P = "consolidate";
    private static final Duration ANSWER = Duration.ofSeconds(90);

    @Inject
    Platform platform;
    @TempDir
    Path dir;

    @Test
    void twoStagesFreezeTheFirstGroupsCoreBitForBitAndScoreEveryModel() throws Exception {
        PipelineSettings settings = Fixtures.settings(40, 8);
        ModelFused in = fusedPipeline(settings);
        Bus bus = new Bus(platform.kafka());
        bus.publish(in);
        ModelConsolidated out = assertInstanceOf(ModelConsolidated.class, bus.answerTo(in.meta().id(), ANSWER));

        assertEquals(2, out.stages().size());
        StageOutcome s1 = out.stages().get(0);
        StageOutcome s2 = out.stages().get(1);
        assertEquals(List.of("next"), s1.trainedOn());
        assertEquals(List.of("prev"), s2.trainedOn());
        assertEquals(ObjectKeys.stage(P, 1, 2), s2.model().prefix());
        assertEquals(s2.model(), out.consolidated());
        assertEquals(2L * settings.consolidation().steps(), out.steps());
        CoreMask next = MaskFile.read(dir.resolve("next.mask"));
        assertEquals(0, s1.frozenChecked(), "stage 1 freezes nothing");
        assertEquals(next.cardinality(), s2.frozenChecked());
        assertEquals(0, s2.frozenChanged());

        // independently: read both stages' weights and compare group 1's core bit for bit
        ObjectStore store = platform.store();
        Path stage1 = store.getFolder(s1.model(), dir.resolve("stage-1"));
        Path stage2 = store.getFolder(s2.model(), dir.resolve("stage-2"));
        long[] sameMovedOther = compare(stage1, stage2, next);
        assertEquals(next.cardinality(), sameMovedOther[0]);
        assertEquals(0, sameMovedOther[1], "stage 2 moved an element of group 1's core");
        assertTrue(sameMovedOther[2] > 1000, "stage 2 trained almost nothing: " + sameMovedOther[2] + " elements moved");

        assertEquals(List.of("next", "prev"), List.copyOf(out.scores().keySet()));
        for (Map<String, Double> byModel : out.scores().values()) {
            assertEquals(List.of("base", "probe", "fused", "consolidated"), List.copyOf(byModel.keySet()));
            byModel.values().forEach(v -> assertTrue(v >= 0 && v <= 100, "score " + v));
        }
        assertEquals(ProbeFineTuneTest.exactMatch(stage2, dir.resolve("prev.jsonl")), out.scores().get("prev").get("consolidated"), 1e-9);
        assertEquals(ProbeFineTuneTest.exactMatch(dir.resolve("probe-next"), dir.resolve("next.jsonl")), out.scores().get("next").get("probe"), 1e-9);
        assertEquals(ProbeFineTuneTest.exactMatch(dir.resolve("fused"), dir.resolve("next.jsonl")), out.scores().get("next").get("fused"), 1e-9);

        JsonNode report = new ObjectMapper().readTree(store.getBytes(out.report()));
        assertEquals(ObjectKeys.report(P, 1), out.report().key());
        assertEquals(next.cardinality(), report.path("stages").get(1).path("frozen_elements_checked").asLong());
        assertEquals(List.of("next"), List.of(report.path("stages").get(1).path("frozen_cores_of").get(0).asText()));
        assertEquals(out.scores().get("next").get("fused"), report.path("scores").path("next").path("fused").asDouble());

        // the same generation again (a new event): every stage is reused, nothing is trained
        ModelFused again = new ModelFused(Fixtures.meta(P), 1, settings, in.base(), in.tasks(), in.groups(), in.order(), in.fused(),
                in.coreElements());
        bus.publish(again);
        ModelConsolidated second = assertInstanceOf(ModelConsolidated.class, bus.answerTo(again.meta().id(), ANSWER));
        assertEquals(out.stages(), second.stages());
        assertEquals(out.scores(), second.scores());
        assertEquals(out.report(), second.report());
        assertTrue(bus.all(List.of(Topics.TRAINING_PROGRESS), e -> again.meta().id().equals(e.meta().cause())).isEmpty(),
                "a stored stage was trained again");
    }

    /** Base, two probes, their cores and the fused model, made here with the libraries and uploaded. */
    private ModelFused fusedPipeline(PipelineSettings settings) throws Exception {
        ObjectStore store = platform.store();
        Path base = Fixtures.tinyModel(dir.resolve("base"), 3);
        ModelRef baseRef = store.putFolder(ObjectKeys.base(P), base);
        List<TaskCore> cores = new ArrayList<>();
        List<FusionTask> fusion = new ArrayList<>();
        long coreElements = 0;
        for (String task : List.of("next", "prev")) {
            Path data = Fixtures.letters(dir.resolve(task + ".jsonl"), task.equals("next") ? 1 : 25);
            Path probe = dir.resolve("probe-" + task);
            TrainParams p = TrainParams.DEFAULTS.withSteps(40).withBatch(8, 1).withLr(3e-3, 0, 0.1).withMaxLength(32).withSeed(5)
                    .withIntervals(10, 0);
            SftTrainer.run(TrainJob.of(base, List.of(data), List.of(), probe, p), TrainListener.NONE);
            Path mask = dir.resolve(task + ".mask");
            try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(probe)) {
                CoreRegion.Result r = CoreRegion.compute(b, t, CoreRegionParams.of(settings.topPercent()), task, CheckpointDigest.sha256(b),
                        CheckpointDigest.sha256(t), ProgressListener.NONE);
                MaskFile.write(mask, r.header(), r.bitmaps());
            }
            long n = MaskFile.read(mask).cardinality();
            coreElements += n;
            fusion.add(FusionTask.of(task, probe, mask));
            Artifact train = store.putFile(ObjectKeys.trainData(P, task), data);
            Artifact eval = store.putFile(ObjectKeys.evalData(P, task), data);
            cores.add(new TaskCore(task, store.putFolder(ObjectKeys.probe(P, task), probe), store.putFile(ObjectKeys.mask(P, task), mask), n,
                    train, eval, "mask-event-" + task));
        }
        CoreFusion.fuse(base, fusion, dir.resolve("fused"), FusionOptions.defaults(), FusionProgress.NONE);
        ModelRef fused = store.putFolder(ObjectKeys.fused(P, 1), dir.resolve("fused"));
        return new ModelFused(Fixtures.meta(P), 1, settings, baseRef, cores, List.of(List.of("next"), List.of("prev")), List.of("next", "prev"),
                fused, coreElements);
    }

    /** Elements of {@code mask} with the same bits in both models, those that differ, and changed elements outside it. */
    private static long[] compare(Path before, Path after, CoreMask mask) throws Exception {
        long same = 0;
        long moved = 0;
        long other = 0;
        try (Checkpoint a = Checkpoint.open(before); Checkpoint b = Checkpoint.open(after)) {
            for (TensorInfo t : a.tensors()) {
                MemorySegment x = a.data(t);
                MemorySegment y = b.data(b.info(t.name()));
                var core = mask.tensor(t.name()).isPresent() ? mask.bitmap(t.name()) : null;
                for (int i = 0; i < t.numel(); i++) {
                    boolean equal = x.get(ValueLayout.JAVA_INT_UNALIGNED, 4L * i) == y.get(ValueLayout.JAVA_INT_UNALIGNED, 4L * i);
                    if (core != null && core.contains(i)) {
                        if (equal) {
                            same++;
                        } else {
                            moved++;
                        }
                    } else if (!equal) {
                        other++;
                    }
                }
            }
        }
        return new long[]{same, moved, other};
    }
}
