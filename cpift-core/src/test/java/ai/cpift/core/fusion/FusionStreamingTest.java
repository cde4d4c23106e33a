package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streamed, chunked, parallel fusion against the method computed directly in memory: the
 * recursion of {@link Slerp#merge} on whole tensors, then the cores transplanted element by
 * element by a plain loop written here.
 */
class FusionStreamingTest {
    static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("a", new long[]{37, 53});   // 1961 elements: 31 chunks of 64, the last partial
        SHAPES.put("e", new long[]{100, 70});  // 7000 elements
        SHAPES.put("n", new long[]{5});        // smaller than a block
    }

    static final double[] WEIGHTS = {1, 2, 0.5};
    static final int N = 3;

    @TempDir
    Path dir;
    final Map<String, float[]> base = new LinkedHashMap<>();
    final List<Map<String, float[]>> models = new ArrayList<>();
    final List<Map<String, int[]>> cores = new ArrayList<>();
    final List<FusionTask> tasks = new ArrayList<>();

    /** Writes base and tasks in {@code dtype}; the values kept for the expectations are the stored ones. */
    void build(DType dtype) throws Exception {
        Random r = new Random(42);
        TinyModel b = new TinyModel();
        for (var e : SHAPES.entrySet()) {
            float[] v = new float[(int) ai.cpift.core.safetensors.TensorInfo.numel(e.getValue())];
            for (int i = 0; i < v.length; i++) {
                v[i] = stored(dtype, (float) (r.nextGaussian() * 0.02));
            }
            base.put(e.getKey(), v);
            b.f(e.getKey(), dtype, e.getValue(), v);
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
                    // a shared hot spot every 10th element plus scattered ones, so cores overlap
                    if ((i % 10 == 0 && r.nextDouble() < 0.5) || r.nextDouble() < 0.03) {
                        v[i] += (float) (r.nextGaussian() * 0.05);
                        c.add(i);
                    }
                    v[i] = stored(dtype, v[i]);
                }
                values.put(e.getKey(), v);
                m.f(e.getKey(), dtype, e.getValue(), v);
                core.put(e.getKey(), c.stream().mapToInt(Integer::intValue).toArray());
            }
            String name = "task" + t;
            Path ck = m.write(dir.resolve(name));
            // task 1's mask leaves tensor "e" out entirely: it has no core there
            Map<String, long[]> listed = new LinkedHashMap<>(SHAPES);
            if (t == 1) {
                listed.remove("e");
                core.remove("e");
            }
            Path mask = TinyModel.mask(dir.resolve(name + ".mask"), name, listed, core);
            models.add(values);
            cores.add(core);
            tasks.add(new FusionTask(name, ck, mask, WEIGHTS[t]));
        }
    }

    static float stored(DType dtype, float v) {
        return dtype == DType.BF16 ? CoreFusionTest.roundBf16(v) : v;
    }

    /** The method in memory: merge, then each element to the task with the largest |Δ| among those holding it, first on ties. */
    float[] expected(String tensor, long[] transplanted, long[] conflicts) {
        List<float[]> thetas = models.stream().map(m -> m.get(tensor)).toList();
        float[] out = Slerp.merge(thetas, WEIGHTS);
        float[] theta0 = base.get(tensor);
        for (int i = 0; i < out.length; i++) {
            int winner = -1;
            int holders = 0;
            for (int t = 0; t < N; t++) {
                int[] c = cores.get(t).getOrDefault(tensor, new int[0]);
                if (java.util.Arrays.binarySearch(c, i) >= 0) {
                    holders++;
                    if (winner < 0 || Math.abs(thetas.get(t)[i] - theta0[i]) > Math.abs(thetas.get(winner)[i] - theta0[i])) {
                        winner = t;
                    }
                }
            }
            if (winner >= 0) {
                out[i] = thetas.get(winner)[i];
                transplanted[winner]++;
            }
            if (holders > 1) {
                conflicts[0]++;
            }
        }
        return out;
    }

    FusionReport fuse(String out, FusionOptions o, PairKernel kernel) throws Exception {
        return CoreFusion.fuse(dir.resolve("base"), tasks, dir.resolve(out), o, FusionProgress.NONE, kernel);
    }

    /** F32 and BF16 inputs, each through the scalar BF16 kernel and the best one this JVM has (the Vector API one under surefire). */
    static Stream<Arguments> dtypesAndKernels() {
        return Stream.of(DType.F32, DType.BF16).flatMap(d -> Stream.of("scalar", "best").map(k -> Arguments.of(d, k)));
    }

    static PairKernel kernel(String name) {
        return name.equals("scalar") ? PairKernel.scalar() : PairKernel.best();
    }

    @ParameterizedTest
    @MethodSource("dtypesAndKernels")
    void theChunkedGramPathMatchesTheInMemoryRecursion(DType dtype, String kernel) throws Exception {
        build(dtype);
        FusionReport r = fuse("out", FusionOptions.defaults().withChunkElements(64).withThreads(3), kernel(kernel));
        for (String name : SHAPES.keySet()) {
            long[] transplanted = new long[N];
            long[] conflicts = new long[1];
            float[] want = expected(name, transplanted, conflicts);
            float[] got = TinyModel.read(dir.resolve("out"), name);
            java.util.Set<Integer> core = new java.util.HashSet<>();
            cores.forEach(c -> java.util.Arrays.stream(c.getOrDefault(name, new int[0])).forEach(core::add));
            for (int i = 0; i < want.length; i++) {
                if (core.contains(i)) {
                    assertEquals(want[i], got[i], name + " core element " + i + ": transplanted values are bit-exact");
                } else {
                    // merged elements: the recursion rounds acc to float32 between steps, the Gram path once at the
                    // end, so they agree to a few ulps of the inputs' magnitude (not of a result that cancelled);
                    // in BF16 both are then rounded to bf16, which can put them one bf16 ulp apart
                    float scale = 0;
                    for (Map<String, float[]> m : models) {
                        scale = Math.max(scale, Math.abs(m.get(name)[i]));
                    }
                    float tol = dtype == DType.BF16 ? Math.ulp(scale) * 65536 : 4 * Math.ulp(scale);
                    assertEquals(stored(dtype, want[i]), got[i], tol, name + " element " + i);
                }
            }
            TensorFusion t = r.tensors().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertArrayEquals(transplanted, t.transplanted().stream().mapToLong(Long::longValue).toArray(), name);
            assertEquals(conflicts[0], t.conflicts(), name);
            if (name.equals("e")) {
                assertEquals(0L, t.coreElements().get(1));
                assertEquals(0L, t.transplanted().get(1));
            }
        }
        assertTrue(r.conflicts() > 0, "the fixture must exercise conflicts");
    }

    @ParameterizedTest
    @MethodSource("dtypesAndKernels")
    void theResultDoesNotDependOnTheThreadCount(DType dtype, String kernel) throws Exception {
        build(dtype);
        fuse("one", FusionOptions.defaults().withChunkElements(64).withThreads(1), kernel(kernel));
        fuse("four", FusionOptions.defaults().withChunkElements(64).withThreads(4), kernel(kernel));
        fuse("whole", FusionOptions.defaults().withThreads(2), kernel(kernel));
        for (String name : SHAPES.keySet()) {
            float[] one = TinyModel.read(dir.resolve("one"), name);
            assertArrayEquals(one, TinyModel.read(dir.resolve("four"), name), name);
            float[] whole = TinyModel.read(dir.resolve("whole"), name);
            for (int i = 0; i < one.length; i++) {
                float tol = dtype == DType.BF16 ? Math.ulp(one[i]) * 65536 : Math.ulp(one[i]);
                assertEquals(one[i], whole[i], tol, name + " element " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1 << 20})
    void theVectorAndScalarKernelsWriteTheSameBytes(int chunk) throws Exception {
        PairKernel vector = PairKernelTest.vector();
        build(DType.BF16);
        FusionReport a = fuse("scalar", FusionOptions.defaults().withChunkElements(chunk).withThreads(3), PairKernel.scalar());
        FusionReport b = fuse("vector", FusionOptions.defaults().withChunkElements(chunk).withThreads(2), vector);
        assertEquals(-1, Files.mismatch(dir.resolve("scalar").resolve(Checkpoint.SINGLE_FILE), dir.resolve("vector").resolve(Checkpoint.SINGLE_FILE)));
        assertEquals(a.tensors(), b.tensors());
    }
}
