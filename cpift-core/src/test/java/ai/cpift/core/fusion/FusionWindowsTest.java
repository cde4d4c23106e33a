package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fusion of a tensor much larger than one read window ({@link TensorFuser#WINDOW_BYTES}), in the
 * default chunk of 2^20 elements: each chunk is read in several windows of the tasks, the base is
 * read in several windows for the contested elements, and with an F64 output the gathered output
 * ({@link TensorFuser#WRITE_BYTES}) is written more than once per chunk. The result is checked
 * against the method computed in memory, as in {@link FusionStreamingTest}.
 */
class FusionWindowsTest {
    static final long[] BIG = {600, 500};
    static final int N = 3;
    static final double[] WEIGHTS = {1, 2, 0.5};

    @TempDir
    Path dir;
    final Map<String, float[]> base = new LinkedHashMap<>();
    final List<Map<String, float[]>> models = new ArrayList<>();
    final List<Map<String, int[]>> cores = new ArrayList<>();
    final List<FusionTask> tasks = new ArrayList<>();
    static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("big", BIG);
        SHAPES.put("small", new long[]{7});
    }

    static float stored(DType dtype, float v) {
        return switch (dtype) {
            case BF16 -> CoreFusionTest.roundBf16(v);
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            default -> v;
        };
    }

    /** Base in {@code baseType}, task t in {@code taskTypes[t]}; the values kept for the expectations are the stored ones. */
    void build(DType baseType, DType... taskTypes) throws Exception {
        Random r = new Random(7);
        TinyModel b = new TinyModel();
        for (var e : SHAPES.entrySet()) {
            float[] v = new float[(int) ai.cpift.core.safetensors.TensorInfo.numel(e.getValue())];
            for (int i = 0; i < v.length; i++) {
                v[i] = stored(baseType, (float) (r.nextGaussian() * 0.02));
            }
            base.put(e.getKey(), v);
            b.f(e.getKey(), baseType, e.getValue(), v);
        }
        b.write(dir.resolve("base"));
        for (int t = 0; t < N; t++) {
            TinyModel m = new TinyModel();
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, int[]> core = new LinkedHashMap<>();
            for (var e : SHAPES.entrySet()) {
                float[] v = base.get(e.getKey()).clone();
                TreeSet<Integer> c = new TreeSet<>();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.002);
                    // hot spots shared by the tasks, so cores overlap in every window, plus scattered ones
                    if ((i % 10 == 0 && r.nextDouble() < 0.5) || r.nextDouble() < 0.02) {
                        v[i] += (float) (r.nextGaussian() * 0.05);
                        c.add(i);
                    }
                    v[i] = stored(taskTypes[t], v[i]);
                }
                values.put(e.getKey(), v);
                m.f(e.getKey(), taskTypes[t], e.getValue(), v);
                core.put(e.getKey(), c.stream().mapToInt(Integer::intValue).toArray());
            }
            String name = "task" + t;
            Path ck = m.write(dir.resolve(name));
            Path mask = TinyModel.mask(dir.resolve(name + ".mask"), name, SHAPES, core);
            models.add(values);
            cores.add(core);
            tasks.add(new FusionTask(name, ck, mask, WEIGHTS[t]));
        }
    }

    /** Merge in memory, then each core element to the task with the largest |Δ| among those holding it, the first on ties. */
    float[] expected(String tensor, long[] transplanted, long[] conflicts, boolean[] inCore) {
        List<float[]> thetas = models.stream().map(m -> m.get(tensor)).toList();
        float[] out = Slerp.merge(thetas, WEIGHTS);
        float[] theta0 = base.get(tensor);
        for (int i = 0; i < out.length; i++) {
            int winner = -1;
            int holders = 0;
            for (int t = 0; t < N; t++) {
                if (Arrays.binarySearch(cores.get(t).get(tensor), i) >= 0) {
                    holders++;
                    if (winner < 0 || Math.abs(thetas.get(t)[i] - theta0[i]) > Math.abs(thetas.get(winner)[i] - theta0[i])) {
                        winner = t;
                    }
                }
            }
            if (winner >= 0) {
                out[i] = thetas.get(winner)[i];
                transplanted[winner]++;
                inCore[i] = true;
            }
            conflicts[0] += holders > 1 ? 1 : 0;
        }
        return out;
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                // the BF16 kernels, windows of 65,536 elements
                Arguments.of(DType.BF16, new DType[]{DType.BF16, DType.BF16, DType.BF16}, DType.BF16),
                // decoded blocks; 8-byte output elements, so a chunk's output is written in two pieces
                Arguments.of(DType.BF16, new DType[]{DType.BF16, DType.BF16, DType.BF16}, DType.F64),
                // mixed tasks: windows sized by the widest (F32), each task read in its own dtype
                Arguments.of(DType.F32, new DType[]{DType.F32, DType.BF16, DType.F16}, DType.F32));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void aChunkReadInManyWindowsMatchesTheInMemoryMethod(DType baseType, DType[] taskTypes, DType out) throws Exception {
        build(baseType, taskTypes);
        long elements = BIG[0] * BIG[1];
        assertTrue(elements * 4 > 4L * TensorFuser.WINDOW_BYTES && elements * 8 > TensorFuser.WRITE_BYTES,
                "the fixture must span several windows and, in F64, more than one write");
        FusionReport r = CoreFusion.fuse(dir.resolve("base"), tasks, dir.resolve("out"),
                FusionOptions.defaults().withOutputDtype(out).withThreads(2), FusionProgress.NONE);
        for (String name : SHAPES.keySet()) {
            long[] transplanted = new long[N];
            long[] conflicts = new long[1];
            boolean[] inCore = new boolean[(int) ai.cpift.core.safetensors.TensorInfo.numel(SHAPES.get(name))];
            float[] want = expected(name, transplanted, conflicts, inCore);
            float[] got = TinyModel.read(dir.resolve("out"), name);
            for (int i = 0; i < want.length; i++) {
                if (inCore[i]) {
                    assertEquals(stored(out, want[i]), got[i], name + " core element " + i + ": transplanted values are exact");
                } else {
                    // the recursion rounds to float32 between steps, the Gram path once at the end (FusionStreamingTest)
                    float scale = 0;
                    for (Map<String, float[]> m : models) {
                        scale = Math.max(scale, Math.abs(m.get(name)[i]));
                    }
                    float tol = out == DType.BF16 ? Math.ulp(scale) * 65536 : 4 * Math.ulp(scale);
                    assertEquals(stored(out, want[i]), got[i], tol, name + " element " + i);
                }
            }
            TensorFusion t = r.tensors().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertArrayEquals(transplanted, t.transplanted().stream().mapToLong(Long::longValue).toArray(), name);
            assertEquals(conflicts[0], t.conflicts(), name);
        }
        assertTrue(r.conflicts() > 10_000, "the fixture must contest elements in every base window: " + r.conflicts());
    }

    @Test
    void aNonFiniteElementInALaterWindowIsNamed() throws Exception {
        build(DType.BF16, DType.BF16, DType.BF16, DType.BF16);
        float[] bad = models.get(1).get("big").clone();
        bad[200_001] = Float.POSITIVE_INFINITY;
        new TinyModel().f("big", DType.BF16, BIG, bad).f("small", DType.BF16, SHAPES.get("small"), models.get(1).get("small"))
                .write(dir.resolve("task1-bad"));
        List<FusionTask> withBad = new ArrayList<>(tasks);
        withBad.set(1, new FusionTask("task1", dir.resolve("task1-bad"), tasks.get(1).mask(), WEIGHTS[1]));
        FusionInputException e = assertThrows(FusionInputException.class, () -> CoreFusion.fuse(dir.resolve("base"), withBad,
                dir.resolve("out"), FusionOptions.defaults().withThreads(2), FusionProgress.NONE));
        assertTrue(e.getMessage().contains("tensor 'big' element 200001 (index [400, 1]) is Infinity"), e.getMessage());
    }
}
