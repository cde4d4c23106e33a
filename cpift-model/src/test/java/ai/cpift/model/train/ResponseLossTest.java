package ai.cpift.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResponseLossTest {
    @Test
    void isMinusLogSoftmaxOfTheLabelOnMaskedPositionsOnly() {
        // B = 2, T = 3, V = 4: B ≠ T, where DJL's SoftmaxCrossEntropyLoss picks the wrong elements.
        float[] logits = {
                1, 2, 3, 0, /**/ 0, 0, 0, 0, /**/ -1, 4, 0.5f, 2,
                3, 1, 0, 0, /**/ 2, -2, 1, 7, /**/ 0, 1, 0, 1};
        long[] labels = {2, 1, 0, 0, 3, 1};
        float[] mask = {1, 0, 1, 0, 1, 1};
        // By hand: -log(e^l / Σ e^x) = log(Σ e^(x - l)), on the masked positions (row, t, label):
        double a = Math.log(Math.exp(1 - 3) + 1 + Math.exp(2 - 3) + Math.exp(0 - 3));       // (0,0,2)
        double b = Math.log(Math.exp(-1 + 1) + Math.exp(4 + 1) + Math.exp(0.5 + 1) + Math.exp(2 + 1)); // (0,2,0)
        double c = Math.log(Math.exp(2 - 7) + Math.exp(-2 - 7) + Math.exp(1 - 7) + 1);      // (1,1,3)
        double d = Math.log(Math.exp(0 - 1) + 1 + Math.exp(0 - 1) + Math.exp(1 - 1));       // (1,2,1)
        assertEquals(0.4401897, a, 1e-7); // log(1 + e^-1 + e^-2 + e^-3) = log(1.5530018), worked on paper
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(logits, new Shape(2, 3, 4));
            NDArray y = m.create(labels, new Shape(2, 3));
            NDArray k = m.create(mask, new Shape(2, 3));
            float[] per = ResponseLoss.tokenLosses(l, y, k).toFloatArray();
            double[] expected = {a, 0, b, 0, c, d};
            for (int i = 0; i < 6; i++) {
                assertEquals(expected[i], per[i], 1e-6, "position " + i);
            }
            assertEquals(a + b + c + d, ResponseLoss.sum(l, y, k).getFloat(), 1e-5);
        }
    }
}
