package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RotaryEmbeddingTest {
    @Test
    void rotatesDimensionIWithDimensionIPlusHalfByPositionTimesFrequency() {
        // headDim 4, theta 100: frequencies 100^0 = 1 and 100^(-2/4) = 0.1. Pairs (x0, x2) turn by
        // p rad and (x1, x3) by 0.1·p rad, as complex numbers x0 + i·x2 and x1 + i·x3.
        RotaryEmbedding rope = new RotaryEmbedding(4, 100);
        assertArrayEquals(new float[]{1f, 0.1f}, rope.invFreq(), 1e-7f);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList tables = rope.tables(manager, 5, 2); // positions 5 and 6
            float[] x = {1, 2, 3, 4, -1, 0.5f, 2, -3};
            NDArray in = manager.create(x, new Shape(1, 1, 2, 4)); // [B, heads, T, headDim]
            float[] y = RotaryEmbedding.apply(in, tables.get(0), tables.get(1)).toFloatArray();
            float[] expected = new float[8];
            for (int p = 0; p < 2; p++) {
                int pos = 5 + p;
                for (int i = 0; i < 2; i++) {
                    double a = pos * (i == 0 ? 1.0 : 0.1);
                    double re = x[4 * p + i];
                    double im = x[4 * p + i + 2];
                    expected[4 * p + i] = (float) (re * Math.cos(a) - im * Math.sin(a));
                    expected[4 * p + i + 2] = (float) (im * Math.cos(a) + re * Math.sin(a));
                }
            }
            assertArrayEquals(expected, y, 1e-5f);
        }
    }
}
