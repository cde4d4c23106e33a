package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RmsNormTest {
    @Test
    void scalesEachRowByItsRootMeanSquareThenByTheWeight() {
        try (NDManager manager = NDManager.newBaseManager()) {
            RmsNorm norm = new RmsNorm(2, 0.5);
            norm.initialize(manager, DataType.FLOAT32, new Shape(2, 2));
            norm.getParameters().get("weight").getArray().set(new float[]{1, 2});
            // Row [3, 4]: mean square 12.5, + eps 0.5 = 13, so x / sqrt(13), then × [1, 2].
            // Row [0, -1]: mean square 0.5, + 0.5 = 1, so x itself, then × [1, 2].
            NDArray x = manager.create(new float[]{3, 4, 0, -1}, new Shape(2, 2));
            float[] y = norm.forward(new ParameterStore(manager, false), x, false).toFloatArray();
            double r = Math.sqrt(13);
            assertArrayEquals(new float[]{(float) (3 / r), (float) (8 / r), 0, -2}, y, 1e-6f);
        }
    }
}
