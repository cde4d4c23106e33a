package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs that do not fit together fail with the input, the place and the fix named, and leave no output behind. */
class FusionValidationTest {
    static final long[] W = {2, 3};
    static final float[] V = {1, 2, -1, 0.5f, 3, -2};

    @TempDir
    Path dir;

    Path model(String name, TinyModel m) throws IOException {
        return m.write(dir.resolve(name));
    }

    TinyModel standard(float[] w) {
        return new TinyModel().f("w", DType.BF16, W, w).f("b", DType.F32, new long[]{2}, new float[]{1, 2})
                .i64("pos", new long[]{2}, new long[]{0, 1});
    }

    Path mask(String task) throws IOException {
        return TinyModel.mask(dir.resolve(task + ".mask"), task, Map.of("w", W), Map.of("w", new int[]{1}));
    }

    FusionTask task(String name, Path checkpoint) throws IOException {
        return FusionTask.of(name, checkpoint, mask(name));
    }

    /** Runs a fusion expected to fail and checks that neither the output nor a partial folder is left. */
    <E extends Exception> E fails(Class<E> type, List<FusionTask> tasks) {
        Path out = dir.resolve("out");
        E e = assertThrows(type, () -> CoreFusion.fuse(dir.resolve("base"), tasks, out, FusionOptions.defaults(), FusionProgress.NONE));
        assertFalse(Files.exists(out), "output folder left behind");
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".out")), "partial output left behind");
        } catch (IOException io) {
            throw new AssertionError(io);
        }
        return e;
    }

    static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        model("base", standard(V));
        Path t = model("t1", new TinyModel().f("w", DType.BF16, W, V).i64("pos", new long[]{2}, new long[]{0, 1}));
        var e = fails(FusionInputException.class, List.of(task("t1", t)));
        assertMentions(e, "task 't1' checkpoint " + t, "[b]", "missing", "fine-tune it from this base");
    }

    @Test
    void anExtraTensorIsNamed() throws Exception {
        model("base", standard(V));
        Path t = model("t1", standard(V).f("lm_head.weight", DType.BF16, W, V));
        var e = fails(FusionInputException.class, List.of(task("t1", t)));
        assertMentions(e, "task 't1'", "[lm_head.weight]", "the base " + dir.resolve("base") + " does not");
    }

    @Test
    void aShapeMismatchIsNamed() throws Exception {
        model("base", standard(V));
        Path t = model("t1", new TinyModel().f("w", DType.BF16, new long[]{3, 2}, V).f("b", DType.F32, new long[]{2}, new float[2])
                .i64("pos", new long[]{2}, new long[2]));
        var e = fails(FusionInputException.class, List.of(task("t1", t)));
        assertMentions(e, "tensor 'w' has shape [3, 2] but the base's is [2, 3]");
    }

    @Test
    void nanAndInfinityAreNamedWithTheirElement() throws Exception {
        model("base", standard(V));
        Path good = model("t1", standard(V));
        float[] nan = V.clone();
        nan[4] = Float.NaN;
        Path bad = model("t2", standard(nan));
        var e = fails(FusionInputException.class, List.of(task("t1", good), task("t2", bad)));
        assertMentions(e, "task 't2' checkpoint " + bad, "tensor 'w' element 4 (index [1, 1]) is NaN", "re-run it");
        float[] inf = V.clone();
        inf[5] = Float.NEGATIVE_INFINITY;
        Path worse = model("t3", standard(inf));
        e = fails(FusionInputException.class, List.of(task("t1", good), task("t3", worse)));
        assertMentions(e, "task 't3'", "element 5 (index [1, 2]) is -Infinity");
    }

    @Test
    void nanIsFoundInAChunkedTensorToo() throws Exception {
        float[] big = new float[1000];
        java.util.Arrays.fill(big, 0.5f);
        new TinyModel().f("x", DType.F32, new long[]{10, 100}, big).write(dir.resolve("base"));
        big[777] = Float.NaN;
        Path t = new TinyModel().f("x", DType.F32, new long[]{10, 100}, big).write(dir.resolve("t1"));
        Path m = TinyModel.mask(dir.resolve("t1.mask"), "t1", Map.of("x", new long[]{10, 100}), Map.of());
        Path out = dir.resolve("out");
        var e = assertThrows(FusionInputException.class, () -> CoreFusion.fuse(dir.resolve("base"), List.of(FusionTask.of("t1", t, m)),
                out, FusionOptions.defaults().withChunkElements(64).withThreads(3), FusionProgress.NONE));
        assertMentions(e, "element 777 (index [7, 77]) is NaN");
        assertFalse(Files.exists(out));
    }

    @Test
    void aMaskOfAnotherTaskIsRefused() throws Exception {
        model("base", standard(V));
        Path t = model("t1", standard(V));
        var e = fails(FusionInputException.class, List.of(FusionTask.of("math", t, mask("code"))));
        assertMentions(e, "is the core of task 'code' but was given for task 'math'");
    }

    @Test
    void aMaskOfAnotherModelIsRefused() throws Exception {
        model("base", standard(V));
        Path t = model("t1", standard(V));
        Path m = TinyModel.mask(dir.resolve("m"), "t1", Map.of("w", new long[]{6}), Map.of());
        var e = fails(FusionInputException.class, List.of(FusionTask.of("t1", t, m)));
        assertMentions(e, "mask file " + m, "tensor 'w' has shape [6] in the mask but [2, 3] in the base");
        Path m2 = TinyModel.mask(dir.resolve("m2"), "t1", Map.of("pos", new long[]{2}), Map.of("pos", new int[]{0}));
        e = fails(FusionInputException.class, List.of(FusionTask.of("t1", t, m2)));
        assertMentions(e, "selects elements of tensor 'pos', which is I64 in the base");
        Path m3 = TinyModel.mask(dir.resolve("m3"), "t1", Map.of("q", new long[]{2}), Map.of());
        e = fails(FusionInputException.class, List.of(FusionTask.of("t1", t, m3)));
        assertMentions(e, "tensor 'q' is not in the base");
    }

    @Test
    void badTaskListsAreRefused() throws Exception {
        model("base", standard(V));
        Path t = model("t1", standard(V));
        var e = fails(IllegalArgumentException.class, List.of(task("t1", t), task("t1", t)));
        assertMentions(e, "task 't1' is given twice");
        fails(IllegalArgumentException.class, List.of());
        var w = assertThrows(IllegalArgumentException.class, () -> new FusionTask("t1", t, t, 0));
        assertMentions(w, "task 't1': weight 0.0", "positive and finite");
        assertThrows(IllegalArgumentException.class, () -> new FusionTask("t1", t, t, Double.NaN));
    }

    @Test
    void anExistingOutputIsNeverTouched() throws Exception {
        model("base", standard(V));
        Path t = model("t1", standard(V));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> CoreFusion.fuse(dir.resolve("base"), List.of(task("t1", t)), out,
                FusionOptions.defaults(), FusionProgress.NONE));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void digestsAreCheckedOnRequest() throws Exception {
        Path base = model("base", standard(V));
        Path t = model("t1", standard(SlerpTest.scaled(V, 2)));
        String baseSha;
        String taskSha;
        try (Checkpoint b = Checkpoint.open(base); Checkpoint c = Checkpoint.open(t)) {
            baseSha = CheckpointDigest.sha256(b);
            taskSha = CheckpointDigest.sha256(c);
        }
        Path stale = TinyModel.mask(dir.resolve("stale"), "t1", Map.of("w", W), Map.of(), "00" + baseSha.substring(2), taskSha);
        FusionOptions verify = FusionOptions.defaults().withVerifyDigests(true);
        var e = assertThrows(FusionInputException.class, () -> CoreFusion.fuse(base, List.of(FusionTask.of("t1", t, stale)),
                dir.resolve("out"), verify, FusionProgress.NONE));
        assertMentions(e, "was computed against a base with SHA-256 '00", "recompute the mask against this base");
        // Unchecked by default.
        CoreFusion.fuse(base, List.of(FusionTask.of("t1", t, stale)), dir.resolve("out"), FusionOptions.defaults(), FusionProgress.NONE);
        Path good = TinyModel.mask(dir.resolve("good"), "t1", Map.of("w", W), Map.of(), baseSha, taskSha);
        CoreFusion.fuse(base, List.of(FusionTask.of("t1", t, good)), dir.resolve("out2"), verify, FusionProgress.NONE);
        assertTrue(Files.isRegularFile(dir.resolve("out2/model.safetensors")));
    }
}
