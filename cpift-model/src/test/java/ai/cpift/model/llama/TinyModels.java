package ai.cpift.model.llama;

import ai.cpift.model.init.InitOptions;
import ai.cpift.model.init.RandomInit;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small random decoders for tests, with weights large enough that attention is far from uniform. */
public final class TinyModels {
    private TinyModels() {
    }

    /** hidden 32, 2 layers, 4 query heads over 2 key/value heads, vocab 40, biases on. */
    public static LlamaConfig gqa(boolean tied) {
        return new LlamaConfig("qwen2", 32, 2, 4, 2, 8, 64, 40, 1e-6, 10_000, tied, true, false, 0);
    }

    public static LlamaModel random(LlamaConfig c, NDManager manager, long seed) {
        InitOptions o = new InitOptions(ai.cpift.core.safetensors.DType.F32, 64, seed, 0.3, true);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        c.parameterShapes().forEach((name, shape) -> arrays.put(name, manager.create(RandomInit.values(name, shape, 0, o), new Shape(shape))));
        LlamaModel m = new LlamaModel(c);
        m.setParameters(arrays);
        return m;
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
