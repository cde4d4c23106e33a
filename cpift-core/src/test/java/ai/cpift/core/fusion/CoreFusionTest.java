package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.checkpoint.ShardIndex;
import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-worked example. Tensor "w" [2, 3], task models parallel so every SLERP step is linear:
 * <pre>
 * v  = [1, 2, −1, 0.5, 3, −2];  θ1 = v, θ2 = 2v, θ3 = 4v;  weights 1, 1, 2
 * m  = 0.5·(0.5v + 0.5·2v) + 0.5·4v = 2.75v = [2.75, 5.5, −2.75, 1.375, 8.25, −5.5]
 * θ0 = [0, 5, 0, 0, 9, 0]
 * C1 = {0, 1, 3}, C2 = {1, 3, 4, 5}, C3 = {1, 4, 5}
 * e0: C1 only                          → θ1 = 1
 * e1: Δ = |2−5|, |4−5|, |8−5| = 3, 1, 3  → tie of tasks 1 and 3, first wins → θ1 = 2
 * e2: no core                          → m = −2.75
 * e3: Δ = 0.5, 1                       → task 2 → 1
 * e4: Δ = |6−9|, |12−9| = 3, 3         → tie, first (task 2) → 6
 * e5: Δ = 4, 8                         → task 3 → −8
 * out = [1, 2, −2.75, 1, 6, −8]; transplanted 2, 2, 1; conflicts 4 (e1, e3, e4, e5)
 * </pre>
 * Tensor "b" [4] is in no mask (pure SLERP), "pos" is I64 (copied from the base).
 */
class CoreFusionTest {
    static final long[] W = {2, 3};
    static final long[] B = {4};
    static final float[] V = {1, 2, -1, 0.5f, 3, -2};
    static final float[] BIAS = {0.5f, -1, 2, 0.25f};

    @TempDir
    Path dir;

    static float[] times(float[] v, float s) {
        return SlerpTest.scaled(v, s);
    }

    Path model(String name, float[] w, float[] b, long[] pos, DType dtype, long shard) throws Exception {
        return new TinyModel().f("w", dtype, W, w).f("b", dtype, B, b).i64("pos", new long[]{3}, pos)
                .write(dir.resolve(name), shard);
    }

    List<FusionTask> handWorked(DType dtype, long shard) throws Exception {
        model("base", new float[]{0, 5, 0, 0, 9, 0}, new float[4], new long[]{0, 1, 2}, dtype, shard);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("w", W);
        List<FusionTask> tasks = new ArrayList<>();
        int[][] cores = {{0, 1, 3}, {1, 3, 4, 5}, {1, 4, 5}};
        float[] scale = {1, 2, 4};
        double[] weights = {1, 1, 2};
        for (int i = 0; i < 3; i++) {
            String name = "t" + (i + 1);
            Path ck = model(name, times(V, scale[i]), times(BIAS, scale[i]), new long[]{7, 7, 7}, dtype, shard);
            Path mask = TinyModel.mask(dir.resolve(name + ".mask"), name, shapes, Map.of("w", cores[i]));
            tasks.add(new FusionTask(name, ck, mask, weights[i]));
        }
        return tasks;
    }

    /**
     * Every value of the hand-worked example is exact in BF16, so it runs in F32 and in BF16 through
     * both BF16 kernels (the scalar one, and the Vector API one where this JVM has it).
     */
    static Stream<Arguments> dtypesAndKernels() {
        return Stream.of(Arguments.of(DType.F32, "best"), Arguments.of(DType.BF16, "scalar"), Arguments.of(DType.BF16, "best"));
    }

    static FusionReport fuse(Path base, List<FusionTask> tasks, Path out, FusionOptions o, FusionProgress p, String kernel)
            throws Exception {
        return CoreFusion.fuse(base, tasks, out, o, p, kernel.equals("scalar") ? PairKernel.scalar() : PairKernel.best());
    }

    @ParameterizedTest
    @MethodSource("dtypesAndKernels")
    void transplantsCoresAndResolvesConflictsOnTheHandWorkedExample(DType dtype, String kernel) throws Exception {
        List<FusionTask> tasks = handWorked(dtype, Long.MAX_VALUE);
        List<int[]> progress = new ArrayList<>();
        FusionReport r = fuse(dir.resolve("base"), tasks, dir.resolve("out"), FusionOptions.defaults(),
                (td, tt, bd, bt) -> progress.add(new int[]{td, tt, (int) bd, (int) bt}), kernel);
        Path out = dir.resolve("out");
        assertArrayEquals(new float[]{1, 2, -2.75f, 1, 6, -8}, TinyModel.read(out, "w"));
        assertArrayEquals(times(BIAS, 2.75f), TinyModel.read(out, "b"));
        try (Checkpoint c = Checkpoint.open(out)) {
            var pos = c.data(c.info("pos"));
            for (int i = 0; i < 3; i++) {
                assertEquals(i, pos.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8L * i));
            }
            assertEquals(DType.I64, c.info("pos").dtype());
        }
        TensorFusion w = r.tensors().stream().filter(t -> t.name().equals("w")).findFirst().orElseThrow();
        assertEquals(List.of(0.25, 0.25, 0.5), w.coefficients());
        assertEquals(2, w.linearSteps());
        assertEquals(List.of(3L, 4L, 3L), w.coreElements());
        assertEquals(List.of(2L, 2L, 1L), w.transplanted());
        assertEquals(4, w.conflicts());
        assertEquals(4, r.conflicts());
        assertFalse(r.tensors().stream().filter(t -> t.name().equals("pos")).findFirst().orElseThrow().merged());
        assertEquals(List.of("t1", "t2", "t3"), r.tasks());
        int[] last = progress.getLast();
        assertEquals(3, progress.size());
        int bytes = (int) dtype.byteSize();
        assertArrayEquals(new int[]{3, 3, 6 * bytes + 4 * bytes + 3 * 8, 6 * bytes + 4 * bytes + 3 * 8}, last);
        assertEquals("{\"tiny\":true}", Files.readString(out.resolve("tokenizer.json")));
        assertEquals("bfloat16", ModelConfig.read(out.resolve("config.json")).torchDtype());
    }

    @ParameterizedTest
    @MethodSource("dtypesAndKernels")
    void theTaskOrderDecidesTies(DType dtype, String kernel) throws Exception {
        // Same inputs, tasks given as t3, t2, t1: e1 (tie of t1 and t3) now goes to t3 and e4 (tie of t2 and t3) to t3.
        List<FusionTask> tasks = new ArrayList<>(handWorked(dtype, Long.MAX_VALUE));
        java.util.Collections.reverse(tasks);
        FusionReport r = fuse(dir.resolve("base"), tasks, dir.resolve("out"), FusionOptions.defaults(), FusionProgress.NONE, kernel);
        // weights 2, 1, 1 on 4v, 2v, v: acc = (1/3)·4v + (2/3)·... linear steps, t = 1/3 then 1/4:
        // acc2 = (2/3)·4v + (1/3)·2v = (10/3)v; acc3 = (3/4)(10/3)v + (1/4)v = 2.75v: the same m.
        float[] w = TinyModel.read(dir.resolve("out"), "w");
        assertEquals(1f, w[0]);
        assertEquals(8f, w[1]);
        assertEquals(-2.75f, w[2], 1e-6);
        assertEquals(1f, w[3]);
        assertEquals(12f, w[4]);
        assertEquals(-8f, w[5]);
        assertEquals(List.of(3L, 1L, 1L), r.tensors().get(2).transplanted());
    }

    @Test
    void bf16InputsGiveTheBf16RoundingOfTheResult() throws Exception {
        // v has an element 1 + 2^-7 (exact in bf16): 2.75·(1 + 2^-7) = 2.771484375 = 1.0110001|0110b · 2 → bf16 2.765625.
        float[] v = {1.0078125f, 2, -1, 0.5f, 3, -2};
        model("base", new float[6], new float[4], new long[]{0, 1, 2}, DType.BF16, Long.MAX_VALUE);
        Map<String, long[]> shapes = Map.of("w", W);
        List<FusionTask> tasks = new ArrayList<>();
        float[] scale = {1, 2, 4};
        double[] weights = {1, 1, 2};
        java.util.Random rnd = new java.util.Random(1);
        List<float[]> biases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // non-parallel biases take the SLERP branch; they are stored as bf16
            float[] b = new float[4];
            for (int k = 0; k < 4; k++) {
                b[k] = roundBf16((float) rnd.nextGaussian());
            }
            biases.add(b);
            Path ck = model("t" + i, times(v, scale[i]), b, new long[3], DType.BF16, Long.MAX_VALUE);
            tasks.add(new FusionTask("t" + i, ck, TinyModel.mask(dir.resolve("m" + i), "t" + i, shapes, Map.of()), weights[i]));
        }
        CoreFusion.fuse(dir.resolve("base"), tasks, dir.resolve("out"), FusionOptions.defaults(), FusionProgress.NONE);
        float[] w = TinyModel.read(dir.resolve("out"), "w");
        assertEquals(2.765625f, w[0]);
        for (int k = 0; k < 6; k++) {
            assertEquals(roundBf16((float) (2.75 * v[k])), w[k], "w element " + k);
        }
        double[] expected = SlerpTest.referenceMerge(biases.stream().map(SlerpTest::toDouble).toList(), weights);
        float[] b = TinyModel.read(dir.resolve("out"), "b");
        for (int k = 0; k < 4; k++) {
            assertEquals(roundBf16((float) expected[k]), b[k], "b element " + k);
        }
        try (Checkpoint c = Checkpoint.open(dir.resolve("out"))) {
            assertEquals(DType.BF16, c.info("w").dtype());
        }
    }

    /** Round-to-nearest-even to bfloat16, written from the definition: the nearer of the two neighbours, the even one on a tie. */
    static float roundBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        float down = Float.intBitsToFloat(bits & 0xffff0000);
        float up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
        double dDown = Math.abs((double) f - down);
        double dUp = Math.abs((double) up - f);
        if (dDown != dUp) {
            return dDown < dUp ? down : up;
        }
        return ((bits >>> 16) & 1) == 0 ? down : up;
    }

    @Test
    void shardedInputsAndShardedOutputGiveTheSameModel() throws Exception {
        List<FusionTask> tasks = handWorked(DType.F32, 30); // each tensor in a shard of its own
        try (Checkpoint c = Checkpoint.open(dir.resolve("t1"))) {
            assertEquals(3, c.weightFiles().size());
        }
        FusionOptions o = FusionOptions.defaults().withMaxShardBytes(30).withOutputDtype(DType.F32);
        CoreFusion.fuse(dir.resolve("base"), tasks, dir.resolve("out"), o, FusionProgress.NONE);
        Path out = dir.resolve("out");
        assertTrue(Files.isRegularFile(out.resolve(ShardIndex.FILE_NAME)));
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(3, c.weightFiles().size());
        }
        assertArrayEquals(new float[]{1, 2, -2.75f, 1, 6, -8}, TinyModel.read(out, "w"));
        assertArrayEquals(times(BIAS, 2.75f), TinyModel.read(out, "b"));
        assertEquals("float32", ModelConfig.read(out.resolve("config.json")).torchDtype());
    }

    @Test
    void theOutputDtypeRoundsFloatingTensorsOnly() throws Exception {
        List<FusionTask> tasks = handWorked(DType.F32, Long.MAX_VALUE);
        CoreFusion.fuse(dir.resolve("base"), tasks, dir.resolve("out"), FusionOptions.defaults().withOutputDtype(DType.F16),
                FusionProgress.NONE);
        try (Checkpoint c = Checkpoint.open(dir.resolve("out"))) {
            assertEquals(DType.F16, c.info("w").dtype());
            assertEquals(DType.I64, c.info("pos").dtype());
        }
        assertArrayEquals(new float[]{1, 2, -2.75f, 1, 6, -8}, TinyModel.read(dir.resolve("out"), "w"));
        assertEquals(Optional.of(DType.F16), ModelConfig.read(dir.resolve("out/config.json")).dtype());
    }
}
