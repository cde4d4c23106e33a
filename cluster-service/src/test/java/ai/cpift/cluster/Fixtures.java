package ai.cpift.cluster;

import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.events.Artifact;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Training;
import ai.cpift.platform.store.Sha256;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Events and mask files of the tests: one tensor "w" of 1000 elements, cores given as index ranges. */
public final class Fixtures {
    public static final String BASE_SHA = "ab".repeat(32);
    public static final long[] SHAPE = {1000};

    private Fixtures() {
    }

    public static PipelineSettings settings(double tau, long seed) {
        Training t = new Training(10, 1e-3, 1, 4);
        return new PipelineSettings(t, 1.0, tau, "random", seed, t, 8, "group", 64);
    }

    public static ModelRef base(String p) {
        return new ModelRef(ObjectKeys.base(p), List.of(new Artifact(ObjectKeys.base(p) + "model.safetensors", "0".repeat(64), 10)));
    }

    public static EventMeta meta(String p) {
        return new EventMeta(EventIds.random(), p, null, "test", Instant.now());
    }

    public static TaskRegistered registered(String p, String task, PipelineSettings s) {
        return new TaskRegistered(meta(p), task, s, base(p), new Artifact(ObjectKeys.trainData(p, task), "1".repeat(64), 5), null);
    }

    /** A mask event for the mask file {@code file} (its hash and size), stored at the task's mask key. */
    public static MaskComputed mask(String p, String task, PipelineSettings s, Path file) throws IOException {
        Artifact mask = new Artifact(ObjectKeys.mask(p, task), Sha256.of(file), Files.size(file));
        ModelRef probe = new ModelRef(ObjectKeys.probe(p, task),
                List.of(new Artifact(ObjectKeys.probe(p, task) + "model.safetensors", "2".repeat(64), 10)));
        return new MaskComputed(meta(p), task, s, base(p), new Artifact(ObjectKeys.trainData(p, task), "1".repeat(64), 5), null,
                probe, mask, MaskFile.read(file).cardinality(), 0.5);
    }

    public static StageFailed taskFailed(String p, String task) {
        return new StageFailed(meta(p), "trainer", p + "/" + task, task, TaskRegistered.TYPE,
                "dataset line 3: field 'response' missing; fix: add it");
    }

    /** Writes the mask of {@code task} whose core is elements [from, to) of "w". */
    public static Path maskFile(Path dir, String task, int from, int to) throws IOException {
        RoaringBitmap b = RoaringBitmap.bitmapOf(IntStream.range(from, to).toArray());
        MaskHeader h = new MaskHeader(task, 1.0, MaskMode.GLOBAL, 0.5f, b.getLongCardinality(), SHAPE[0], BASE_SHA, "cd".repeat(32),
                List.of(new MaskTensor("w", SHAPE, b.getLongCardinality())));
        Path f = dir.resolve(task + "-" + from + "-" + to + ".mask");
        MaskFile.write(f, h, Map.of("w", b));
        return f;
    }
}
