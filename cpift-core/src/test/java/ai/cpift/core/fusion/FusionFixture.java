package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A base and three task checkpoints on disk whose cores overlap, and the fusion of them computed
 * directly in memory: the recursion of {@link Slerp#merge} on whole tensors, then the cores
 * transplanted element by element by a plain loop written here. The streaming tests fuse the files
 * and compare with it ({@link #assertFused}).
 */
final class FusionFixture {
    static final double[] WEIGHTS = {1, 2, 0.5};
    static final int N = 3;

    final Map<String, long[]> shapes;
    final Map<String, float[]> base = new LinkedHashMap<>();
    final List<Map<String, float[]>> models = new ArrayList<>();
    final List<Map<String, int[]>> cores = new ArrayList<>();
    final List<FusionTask> tasks = new ArrayList<>();

    FusionFixture(Map<String, long[]> shapes) {
        this.shapes = shapes;
    }

    /** The value a float takes once stored in {@code dtype}. */
    static float stored(DType dtype, float v) {
        return switch (dtype) {
            case BF16 -> CoreFusionTest.roundBf16(v);
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            default -> v;
        };
    }

    /**
     * Writes the base in {@code baseType} and task t in {@code taskTypes[t]} under {@code dir}, with
     * their masks; the values kept for the expectations are the stored ones. A task's core is a
     * shared hot spot at every 10th element (each task takes it with probability ½, so cores
     * overlap) plus elements scattered with probability {@code scattered}.
     *
     * @param leftOut a tensor that task 1's mask leaves out entirely (it has no core there), or null
     */
    FusionFixture build(Path dir, long seed, double scattered, DType baseType, DType[] taskTypes, String leftOut) throws Exception {
        Random r = new Random(seed);
        TinyModel b = new TinyModel();
        for (var e : shapes.entrySet()) {
            float[] v = new float[(int) TensorInfo.numel(e.getValue())];
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
            for (var e : shapes.entrySet()) {
                float[] v = base.get(e.getKey()).clone();
                TreeSet<Integer> c = new TreeSet<>();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.002);
                    if ((i % 10 == 0 && r.nextDouble() < 0.5) || r.nextDouble() < scattered) {
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
            Map<String, long[]> listed = new LinkedHashMap<>(shapes);
            if (t == 1 && leftOut != null) {
                listed.remove(leftOut);
                core.remove(leftOut);
            }
            Path mask = TinyModel.mask(dir.resolve(name + ".mask"), name, listed, core);
            models.add(values);
            cores.add(core);
            tasks.add(new FusionTask(name, ck, mask, WEIGHTS[t]));
        }
        return this;
    }

    /**
     * The method in memory: merge, then each element held by a core to the task with the largest
     * |Δ| among those holding it, the first on ties.
     *
     * @param transplanted incremented per task for the elements it wins
     * @param conflicts    {@code [0]} incremented for each element held by more than one core
     * @param inCore       set for each element held by a core
     */
    float[] expected(String tensor, long[] transplanted, long[] conflicts, boolean[] inCore) {
        List<float[]> thetas = models.stream().map(m -> m.get(tensor)).toList();
        float[] out = Slerp.merge(thetas, WEIGHTS);
        float[] theta0 = base.get(tensor);
        for (int i = 0; i < out.length; i++) {
            int winner = -1;
            int holders = 0;
            for (int t = 0; t < N; t++) {
                if (Arrays.binarySearch(cores.get(t).getOrDefault(tensor, new int[0]), i) >= 0) {
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

    /**
     * Checks the fused checkpoint at {@code dir} and its report against {@link #expected}: core
     * elements exactly, merged ones to the rounding the two computations can differ by, and the
     * elements transplanted per task and contested per tensor exactly.
     */
    void assertFused(Path dir, FusionReport r, DType out) throws Exception {
        for (String name : shapes.keySet()) {
            long[] transplanted = new long[N];
            long[] conflicts = new long[1];
            boolean[] inCore = new boolean[(int) TensorInfo.numel(shapes.get(name))];
            float[] want = expected(name, transplanted, conflicts, inCore);
            float[] got = TinyModel.read(dir, name);
            for (int i = 0; i < want.length; i++) {
                if (inCore[i]) {
                    assertEquals(stored(out, want[i]), got[i], name + " core element " + i + ": transplanted values are exact");
                } else {
                    // merged elements: the recursion rounds acc to float32 between steps, the Gram path once at the
                    // end, so they agree to a few ulps of the inputs' magnitude (not of a result that cancelled);
                    // in BF16 both are then rounded to bf16, which can put them one bf16 ulp apart
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
    }
}
