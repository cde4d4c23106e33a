package ai.cpift.core.region;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreRegionTest {
    @TempDir
    Path dir;

    /** Writes a checkpoint of float tensors (name → values) with the given shapes and dtypes. */
    static Path write(Path out, Map<String, float[]> values, Map<String, long[]> shapes, Map<String, DType> dtypes) throws Exception {
        List<TensorSpec> specs = new ArrayList<>();
        values.keySet().stream().sorted().forEach(n -> specs.add(new TensorSpec(n, dtypes.get(n), shapes.get(n))));
        try (CheckpointWriter w = CheckpointWriter.create(out, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES)) {
            values.forEach(w::writeFloats);
            w.commit();
        }
        return out;
    }

    @Test
    void handWorkedExampleWithTiesAcrossTensors() throws Exception {
        // Tensors in name order: "a" (global 0..3, shape [2,2]) then "b" (global 4..6).
        // Δ: a = [0.5, 0.25, 0.5, 0], b = [1, 0.5, 0.125]. D = 7; p = 50 → k = ⌊3.5⌋ = 3.
        // Sorted: 1 (b[0], g4), then three ties at 0.5: a[0] g0, a[2] g2, b[1] g5 → lower indices g0, g2 win.
        Map<String, long[]> shapes = Map.of("a", new long[]{2, 2}, "b", new long[]{3});
        Map<String, DType> f32 = Map.of("a", DType.F32, "b", DType.F32);
        Path base = write(dir.resolve("base"), Map.of("a", new float[]{1, 1, 1, 1}, "b", new float[]{0, 0, 0}), shapes, f32);
        Path tuned = write(dir.resolve("tuned"), Map.of("a", new float[]{1.5f, 0.75f, 0.5f, 1}, "b", new float[]{-1, 0.5f, 0.125f}), shapes, f32);
        try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(tuned)) {
            CoreRegion.Result r = CoreRegion.compute(b, t, CoreRegionParams.of(50), "toy", "b", "t", ProgressListener.NONE);
            assertEquals(RoaringBitmap.bitmapOf(0, 2), r.bitmaps().get("a"));
            assertEquals(RoaringBitmap.bitmapOf(0), r.bitmaps().get("b"));
            assertEquals(3, r.header().selected());
            assertEquals(7, r.header().totalElements());
            assertEquals(0.5f, r.header().threshold());
            assertEquals(List.of(2L, 1L), r.header().tensors().stream().map(x -> x.cardinality()).toList());
        }
    }

    /** The reference: every Δ in float32, sorted by (Δ descending, global index ascending), first k. */
    static Map<String, RoaringBitmap> bruteForce(Map<String, float[]> base, Map<String, float[]> tuned, long k) {
        record E(String name, int local, long global, float d) {
        }
        List<E> all = new ArrayList<>();
        long g = 0;
        for (String n : new TreeMap<>(base).keySet()) {
            float[] a = base.get(n);
            float[] b = tuned.get(n);
            for (int i = 0; i < a.length; i++) {
                all.add(new E(n, i, g++, Math.abs(b[i] - a[i])));
            }
        }
        all.sort(Comparator.comparingDouble((E e) -> -e.d()).thenComparingLong(E::global));
        Map<String, RoaringBitmap> out = new TreeMap<>();
        for (E e : all.subList(0, (int) k)) {
            out.computeIfAbsent(e.name(), x -> new RoaringBitmap()).add(e.local());
        }
        return out;
    }

    /** Rounds values through a dtype so that the brute force sees what the checkpoint stores. */
    static float[] stored(float[] v, DType d) {
        float[] out = new float[v.length];
        var seg = java.lang.foreign.MemorySegment.ofArray(new byte[v.length * d.byteSize()]);
        FloatCodec.encode(d, v, 0, v.length, seg, 0);
        FloatCodec.decode(d, seg, 0, out, 0, v.length);
        return out;
    }

    @Test
    void everyPathAndKernelMatchesBruteForceOnRandomModelsWithTies() throws Exception {
        Random rnd = new Random(7);
        DType[] types = {DType.BF16, DType.F32, DType.F16};
        for (int trial = 0; trial < 6; trial++) {
            Map<String, float[]> base = new LinkedHashMap<>();
            Map<String, float[]> tuned = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, DType> baseTypes = new LinkedHashMap<>();
            Map<String, DType> tunedTypes = new LinkedHashMap<>();
            int tensors = 1 + rnd.nextInt(5);
            for (int t = 0; t < tensors; t++) {
                String name = "layers." + rnd.nextInt(20) + ".w" + t;
                int rows = 1 + rnd.nextInt(300);
                int cols = 1 + rnd.nextInt(700);
                DType bt = types[rnd.nextInt(types.length)];
                // Same dtype pairs exercise the vector kernel, mixed pairs the generic one.
                DType tt = rnd.nextBoolean() ? bt : types[rnd.nextInt(types.length)];
                float[] a = new float[rows * cols];
                float[] b = new float[rows * cols];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rnd.nextGaussian() * 0.02);
                    // Coarse steps make many exact ties; some elements do not move at all.
                    double step = trial % 2 == 0 ? 1.0 / 256 : 1e-4;
                    b[i] = rnd.nextInt(4) == 0 ? a[i] : a[i] + (float) (Math.round(rnd.nextGaussian() * 3) * step);
                }
                base.put(name, stored(a, bt));
                tuned.put(name, stored(b, tt));
                shapes.put(name, new long[]{rows, cols});
                baseTypes.put(name, bt);
                tunedTypes.put(name, tt);
            }
            Path bp = write(dir.resolve("b" + trial), base, shapes, baseTypes);
            Path tp = write(dir.resolve("t" + trial), tuned, shapes, tunedTypes);
            long total = base.values().stream().mapToLong(x -> x.length).sum();
            try (Checkpoint b = Checkpoint.open(bp); Checkpoint t = Checkpoint.open(tp)) {
                List<DeltaRange> ranges = CoreRegion.pair(b, t);
                for (long k : new long[]{1, total / 100, total / 10, total / 2, total}) {
                    if (k == 0) {
                        continue;
                    }
                    Map<String, RoaringBitmap> expected = bruteForce(base, tuned, k);
                    for (DeltaKernel kernel : List.of(DeltaKernel.scalar(), DeltaKernel.best())) {
                        for (int threads : new int[]{1, 2}) {
                            // Budgets: everything fits; only the sampled fast path fits; radix passes only.
                            for (long budget : new long[]{1L << 30, total * 12 / 2, 0}) {
                                Selection s = new TopKSelector(kernel, threads, budget, ProgressListener.NONE).select(ranges, k);
                                String what = "trial " + trial + " k " + k + " threads " + threads + " budget " + budget
                                        + " kernel " + kernel.getClass().getSimpleName() + " fast " + s.fastPath();
                                assertEquals(expected, s.bitmaps(), what);
                                assertEquals(k, s.bitmaps().values().stream().mapToLong(RoaringBitmap::getLongCardinality).sum(), what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void budgetsSteerTheAlgorithmButNotTheResult() throws Exception {
        // 400k elements, k = 1 %: a budget of 300k candidates (under the 400k elements) forces the sampled one-scan path.
        Random rnd = new Random(3);
        float[] a = new float[400_000];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = a[i] + (float) rnd.nextGaussian() * 0.01f;
        }
        Path bp = write(dir.resolve("b"), Map.of("w", a), Map.of("w", new long[]{400, 1000}), Map.of("w", DType.F32));
        Path tp = write(dir.resolve("t"), Map.of("w", b), Map.of("w", new long[]{400, 1000}), Map.of("w", DType.F32));
        try (Checkpoint cb = Checkpoint.open(bp); Checkpoint ct = Checkpoint.open(tp)) {
            List<DeltaRange> ranges = CoreRegion.pair(cb, ct);
            Selection sampled = new TopKSelector(DeltaKernel.best(), 2, 300_000 * 12, ProgressListener.NONE).select(ranges, 4000);
            Selection radix = new TopKSelector(DeltaKernel.best(), 2, 0, ProgressListener.NONE).select(ranges, 4000);
            assertTrue(sampled.fastPath());
            assertFalse(radix.fastPath());
            assertEquals(radix.bitmaps(), sampled.bitmaps());
            assertEquals(bruteForce(Map.of("w", a), Map.of("w", b), 4000), radix.bitmaps());
            assertEquals(radix.thresholdBits(), sampled.thresholdBits());
        }
    }

    @Test
    void theSampledPathResolvesHugeTieGroupsByIndex() throws Exception {
        // Δ takes four values only (as bf16 updates nearly do), so the core's threshold sits inside
        // a tie group of ~6k elements: the scan's boundary bitmaps must keep the lowest indices. (A k
        // whose threshold sits barely above the 97 % of zeros could make the sample's low threshold
        // zero, and the window too big: the selection would then take the radix passes.)
        Random rnd = new Random(11);
        Map<String, float[]> base = new LinkedHashMap<>();
        Map<String, float[]> tuned = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, DType> types = new LinkedHashMap<>();
        for (String name : List.of("a", "b", "c")) {
            float[] x = new float[200_000];
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int step = rnd.nextInt(100) < 97 ? 0 : 1 + rnd.nextInt(3);
                y[i] = x[i] + step * 0.25f;
            }
            base.put(name, x);
            tuned.put(name, y);
            shapes.put(name, new long[]{x.length});
            types.put(name, DType.BF16);
        }
        Path bp = write(dir.resolve("tb"), base, shapes, types);
        Path tp = write(dir.resolve("tt"), tuned, shapes, types);
        try (Checkpoint cb = Checkpoint.open(bp); Checkpoint ct = Checkpoint.open(tp)) {
            List<DeltaRange> ranges = CoreRegion.pair(cb, ct);
            for (long k : new long[]{6_000, 12_000, 14_000}) {
                Selection s = new TopKSelector(DeltaKernel.best(), 2, 200_000 * 12, ProgressListener.NONE).select(ranges, k);
                assertTrue(s.fastPath(), "k " + k);
                assertEquals(bruteForce(base, tuned, k), s.bitmaps(), "k " + k);
            }
        }
    }

    @Test
    void shardedAndSingleFileCheckpointsGiveTheSameCore() throws Exception {
        Random rnd = new Random(21);
        Map<String, float[]> base = new LinkedHashMap<>();
        Map<String, float[]> tuned = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : List.of("model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight", "model.norm.weight")) {
            int n = 1000 + rnd.nextInt(5000);
            float[] x = new float[n];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) rnd.nextGaussian();
                y[i] = x[i] + (float) rnd.nextGaussian() * 0.1f;
            }
            base.put(name, x);
            tuned.put(name, y);
            shapes.put(name, new long[]{n});
        }
        List<TensorSpec> specs = base.keySet().stream().sorted().map(n -> new TensorSpec(n, DType.F32, shapes.get(n))).toList();
        Path sharded = dir.resolve("sharded");
        try (CheckpointWriter w = CheckpointWriter.create(sharded, specs, 8000)) {
            base.forEach(w::writeFloats);
            w.commit();
        }
        assertTrue(java.nio.file.Files.exists(sharded.resolve("model.safetensors.index.json")));
        Path single = write(dir.resolve("single"), base, shapes, Map.of("model.embed_tokens.weight", DType.F32,
                "model.layers.0.mlp.up_proj.weight", DType.F32, "model.norm.weight", DType.F32));
        Path tp = write(dir.resolve("tuned"), tuned, shapes, Map.of("model.embed_tokens.weight", DType.F32,
                "model.layers.0.mlp.up_proj.weight", DType.F32, "model.norm.weight", DType.F32));
        long total = base.values().stream().mapToLong(x -> x.length).sum();
        try (Checkpoint s = Checkpoint.open(sharded); Checkpoint o = Checkpoint.open(single); Checkpoint t = Checkpoint.open(tp)) {
            CoreRegion.Result a = CoreRegion.compute(s, t, CoreRegionParams.of(3), "x", "", "", ProgressListener.NONE);
            CoreRegion.Result b = CoreRegion.compute(o, t, CoreRegionParams.of(3), "x", "", "", ProgressListener.NONE);
            assertEquals(b.bitmaps(), a.bitmaps());
            assertEquals(bruteForce(base, tuned, CoreRegionParams.of(3).coreSize(total)), a.bitmaps());
        }
    }

    @Test
    void perTensorModeTakesTheTopOfEachTensor() throws Exception {
        // a: Δ = [3, 1, 2, 0] → top 50 % = {0, 2}; b: Δ = [0.5, 0.5] → top 50 % = {0} (tie → lower index).
        Map<String, long[]> shapes = Map.of("a", new long[]{4}, "b", new long[]{2});
        Map<String, DType> f32 = Map.of("a", DType.F32, "b", DType.F32);
        Path base = write(dir.resolve("base"), Map.of("a", new float[4], "b", new float[2]), shapes, f32);
        Path tuned = write(dir.resolve("tuned"), Map.of("a", new float[]{3, -1, 2, 0}, "b", new float[]{0.5f, -0.5f}), shapes, f32);
        try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(tuned)) {
            CoreRegion.Result r = CoreRegion.compute(b, t, CoreRegionParams.of(50).withMode(MaskMode.PER_TENSOR), "x", "", "",
                    ProgressListener.NONE);
            assertEquals(RoaringBitmap.bitmapOf(0, 2), r.bitmaps().get("a"));
            assertEquals(RoaringBitmap.bitmapOf(0), r.bitmaps().get("b"));
            assertEquals(3, r.header().selected());
            assertTrue(Float.isNaN(r.header().threshold()));
        }
    }
}
