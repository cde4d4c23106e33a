package ai.cpift.model.train;

import ai.cpift.core.mask.MaskFile;
import ai.cpift.model.engine.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreezeMaskTest {
    @TempDir
    Path dir;

    @Test
    void restoresEveryBitPatternAndZeroesFrozenGradients() throws Exception {
        float[] start = {-0f, Float.NaN, Float.intBitsToFloat(0x7fc00123), Float.NEGATIVE_INFINITY, 1e-45f, 2.5f};
        Map<String, long[]> shapes = Map.of("w", new long[]{2, 3}, "untouched", new long[]{2});
        Path a = FreezeTest.mask(dir.resolve("a.mask"), "a", shapes, Map.of("w", RoaringBitmap.bitmapOf(0, 1, 2)));
        Path b = FreezeTest.mask(dir.resolve("b.mask"), "b", shapes, Map.of("w", RoaringBitmap.bitmapOf(2, 3, 4)));
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            w.setArray(m.create(start, new Shape(2, 3)));
            Parameter u = Parameter.builder().setName("untouched").setType(Parameter.Type.WEIGHT).build();
            u.setArray(m.create(new float[]{1, 2}));
            try (FreezeMask f = FreezeMask.of(List.of(MaskFile.read(a), MaskFile.read(b)), Map.of("w", w, "untouched", u), m);
                 NoGrad ignored = NoGrad.enter()) {
                assertEquals(5, f.frozenElements());
                assertTrue(f.touches("w"));
                assertFalse(f.touches("untouched"));
                NDArray weight = w.getArray();
                weight.muli(0).addi(7); // an optimizer step that moved everything
                f.restore("w", weight);
                float[] after = weight.toFloatArray();
                for (int i = 0; i < 5; i++) {
                    assertEquals(Float.floatToRawIntBits(start[i]), Float.floatToRawIntBits(after[i]), "element " + i);
                }
                assertEquals(7f, after[5]);
                NDArray g = m.create(new float[]{1, 2, 3, 4, 5, 6}, new Shape(2, 3));
                f.maskGradient("w", g);
                assertArrayEquals(new float[]{0, 0, 0, 0, 0, 6}, g.toFloatArray());
            }
        }
    }
}
