package ai.cpift.model.io;

import ai.cpift.model.llama.KvCache;
import ai.cpift.model.llama.LlamaModel;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder against an independent implementation: each fixture is a small random model
 * written by {@code cpift model init}, with the logits that {@code src/test/python/reference_llama.py}
 * (plain PyTorch, float64) computed for it. Regenerate with {@code src/test/python/regenerate_golden.sh}.
 * The fixtures cover f32, bf16 and f16 weights, tied and untied heads, q/k/v/o biases, multi-head,
 * grouped-query and multi-query attention, head_dim unlike hidden/heads, RoPE bases 1e4 and 1e6.
 */
class GoldenLogitsTest {
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"llama-f32-tied-attention-bias", "llama-bf16-untied-gqa-headdim16", "qwen2-f32-tied-mqa",
            "mistral-f16-untied-gqa"})
    void logitsMatchThePyTorchReference(String name) throws Exception {
        Path dir = Path.of(GoldenLogitsTest.class.getResource("/golden/" + name).toURI());
        JsonNode expected = new ObjectMapper().readTree(dir.resolveSibling(name + ".expected.json").toFile());
        long[] tokens = new long[expected.get("tokens").size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = expected.get("tokens").get(i).asLong();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = ModelLoader.load(dir, manager).model();
            int vocab = model.config().vocab();
            float[] full = model.logits(manager.create(tokens, new Shape(1, tokens.length))).toFloatArray();
            JsonNode rows = expected.get("logits");
            assertEquals(tokens.length, rows.size());
            double maxDiff = 0;
            double maxAbs = 0;
            for (int t = 0; t < tokens.length; t++) {
                assertEquals(vocab, rows.get(t).size());
                for (int v = 0; v < vocab; v++) {
                    double ref = rows.get(t).get(v).asDouble();
                    maxDiff = Math.max(maxDiff, Math.abs(full[t * vocab + v] - ref));
                    maxAbs = Math.max(maxAbs, Math.abs(ref));
                }
            }
            System.out.printf("golden %s: max |Δ| vs PyTorch %.3g (logits up to %.2f)%n", name, maxDiff, maxAbs);
            assertTrue(maxAbs > 1, "fixture logits too small to test anything: " + maxAbs);
            assertTrue(maxDiff <= TOLERANCE, name + ": max |Δ| " + maxDiff);
            assertTrue(maxAbsDiff(full, incremental(model, manager, tokens, vocab)) <= TOLERANCE, name + ": KV cache differs");
        }
    }

    /** Prefill of the first three tokens, then one token at a time through the KV cache. */
    private static float[] incremental(LlamaModel model, NDManager manager, long[] tokens, int vocab) {
        float[] out = new float[tokens.length * vocab];
        try (KvCache cache = model.newCache(manager)) {
            int t = 0;
            while (t < tokens.length) {
                int n = t == 0 ? 3 : 1;
                long[] step = java.util.Arrays.copyOfRange(tokens, t, t + n);
                try (NDManager m = manager.newSubManager()) {
                    float[] l = model.logits(m.create(step, new Shape(1, n)), cache).toFloatArray();
                    System.arraycopy(l, 0, out, t * vocab, l.length);
                }
                t += n;
            }
        }
        return out;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
