package ai.cpift.core.region;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static ai.cpift.core.region.CoreRegionTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the core-region stage takes part, refuses, and how large it makes the core; the selection itself is {@link CoreRegionTest}'s. */
class CoreRegionInputsTest {
    @TempDir
    Path dir;

    @Test
    void integerTensorsTakeNoPartAndCountNothing() throws Exception {
        Path base = dir.resolve("base");
        Path tuned = dir.resolve("tuned");
        for (Path p : List.of(base, tuned)) {
            List<TensorSpec> specs = List.of(new TensorSpec("ids", DType.I64, new long[]{10}), new TensorSpec("w", DType.F32, new long[]{4}));
            try (CheckpointWriter w = CheckpointWriter.create(p, specs, Long.MAX_VALUE)) {
                w.tensor("ids");
                w.writeFloats("w", p == base ? new float[4] : new float[]{0, 4, 0, 0});
                w.commit();
            }
        }
        try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(tuned)) {
            CoreRegion.Result r = CoreRegion.compute(b, t, CoreRegionParams.of(25), "x", "", "", ProgressListener.NONE);
            assertEquals(4, r.header().totalElements());
            assertEquals(RoaringBitmap.bitmapOf(1), r.bitmaps().get("w"));
            assertEquals(List.of("w"), r.header().tensors().stream().map(x -> x.name()).toList());
        }
    }

    @Test
    void nonFiniteWeightsAreNamedWhicheverPathRuns() throws Exception {
        float[] a = new float[5000];
        float[] b = new float[5000];
        Arrays.fill(b, 0.001f);
        b[4321] = Float.NaN;
        Path bp = write(dir.resolve("b"), Map.of("w", a), Map.of("w", new long[]{5000}), Map.of("w", DType.BF16));
        Path tp = write(dir.resolve("t"), Map.of("w", b), Map.of("w", new long[]{5000}), Map.of("w", DType.BF16));
        try (Checkpoint cb = Checkpoint.open(bp); Checkpoint ct = Checkpoint.open(tp)) {
            for (long budget : new long[]{1L << 30, 0}) {
                var e = assertThrows(NonFiniteWeightException.class, () -> new TopKSelector(DeltaKernel.best(), 2, budget,
                        ProgressListener.NONE).select(CoreRegion.pair(cb, ct), 50));
                assertTrue(e.getMessage().contains("tensor 'w' flat index 4321"), e.getMessage());
            }
        }
    }

    @Test
    void mismatchedShapesAreRefusedWithBothNames() throws Exception {
        Path bp = write(dir.resolve("b"), Map.of("w", new float[6]), Map.of("w", new long[]{2, 3}), Map.of("w", DType.F32));
        Path tp = write(dir.resolve("t"), Map.of("w", new float[6]), Map.of("w", new long[]{3, 2}), Map.of("w", DType.F32));
        try (Checkpoint cb = Checkpoint.open(bp); Checkpoint ct = Checkpoint.open(tp)) {
            var e = assertThrows(java.io.IOException.class, () -> CoreRegion.pair(cb, ct));
            assertTrue(e.getMessage().contains("tensor 'w' has shape [3, 2] but the base"), e.getMessage());
        }
    }

    @Test
    void coreSizeIsExactInDecimal() {
        assertEquals(1, CoreRegionParams.of(0.1).coreSize(1000));
        assertEquals(3, CoreRegionParams.of(50).coreSize(7));
        assertEquals(4_940_000, CoreRegionParams.of(1).coreSize(494_000_000));
        assertEquals(0, CoreRegionParams.of(1).coreSize(99));
        assertThrows(IllegalArgumentException.class, () -> CoreRegionParams.of(0));
        assertThrows(IllegalArgumentException.class, () -> CoreRegionParams.of(101));
    }
}
