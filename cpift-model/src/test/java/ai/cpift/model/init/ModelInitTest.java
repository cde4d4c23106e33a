package ai.cpift.model.init;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import ai.cpift.model.llama.LlamaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelInitTest {
    static final CharVocabulary VOCAB = CharVocabulary.of("abcdefghijklmnop");
    static final LlamaConfig ARCH = new LlamaConfig("llama", 64, 2, 4, 2, 16, 128, VOCAB.size(), 1e-6, 10_000, false, false, false, 0);

    @TempDir
    Path dir;

    @Test
    void writesAFolderWhoseConfigDescribesItsWeights() throws Exception {
        Path out = dir.resolve("m");
        ModelInit.write(out, ARCH, VOCAB, new InitOptions(DType.BF16, 512, 3, 0.02, false));
        ModelConfig cfg = ModelConfig.read(out.resolve("config.json"));
        assertEquals(ARCH, LlamaConfig.from(cfg));
        assertEquals("bfloat16", cfg.torchDtype());
        assertEquals("LlamaForCausalLM", cfg.raw().path("architectures").get(0).asText());
        assertEquals(512, cfg.maxPositions());
        assertEquals(2, cfg.raw().path("eos_token_id").asInt());
        assertTrue(Files.exists(out.resolve("tokenizer.json")) && Files.exists(out.resolve("tokenizer_config.json")));
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(ARCH.parameterShapes().size(), c.tensors().size());
            for (TensorInfo t : c.tensors()) {
                assertEquals(DType.BF16, t.dtype());
                assertArrayEquals(ARCH.parameterShapes().get(t.name()), t.shape(), t.name());
            }
            float[] up = floats(c, "model.layers.1.mlp.up_proj.weight");
            double mean = Arrays.stream(toDouble(up)).average().orElseThrow();
            double std = Math.sqrt(Arrays.stream(toDouble(up)).map(x -> (x - mean) * (x - mean)).average().orElseThrow());
            assertEquals(0, mean, 0.002); // 8192 draws: the mean's standard error is 0.0002
            assertEquals(0.02, std, 0.001);
            float[] norm = floats(c, "model.layers.0.input_layernorm.weight");
            assertTrue(allEqual(norm, 1f));
            float[] embed = floats(c, "model.embed_tokens.weight");
            assertTrue(allEqual(Arrays.copyOfRange(embed, 0, 64), 0f), "the <pad> row starts at zero");
            assertFalse(allEqual(Arrays.copyOfRange(embed, 64, 128), 0f));
        }
    }

    @Test
    void theSeedDecidesEveryByte() throws Exception {
        InitOptions o = new InitOptions(DType.F32, 64, 9, 0.02, true);
        ModelInit.write(dir.resolve("a"), ARCH, VOCAB, o);
        ModelInit.write(dir.resolve("b"), ARCH, VOCAB, o);
        ModelInit.write(dir.resolve("c"), ARCH, VOCAB, new InitOptions(DType.F32, 64, 10, 0.02, true));
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertFalse(Arrays.equals(a, Files.readAllBytes(dir.resolve("c/model.safetensors"))));
        try (Checkpoint c = Checkpoint.open(dir.resolve("a"))) {
            assertFalse(allEqual(floats(c, "model.norm.weight"), 1f), "random norms requested");
        }
    }

    private static float[] floats(Checkpoint c, String name) throws Exception {
        TensorInfo t = c.info(name);
        float[] v = new float[(int) t.numel()];
        FloatCodec.decode(t.dtype(), c.data(t), 0, v, 0, v.length);
        return v;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static boolean allEqual(float[] v, float x) {
        for (float f : v) {
            if (f != x) {
                return false;
            }
        }
        return true;
    }

}
