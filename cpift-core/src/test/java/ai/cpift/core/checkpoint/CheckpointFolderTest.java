package ai.cpift.core.checkpoint;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.SafetensorsFile;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFolderTest {
    @TempDir
    Path dir;

    private static float[] ramp(long n, float scale) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 97) * scale;
        }
        return v;
    }

    private static List<TensorSpec> specs() {
        return List.of(new TensorSpec("a.weight", DType.BF16, new long[]{64, 32}),
                new TensorSpec("b.weight", DType.F32, new long[]{100}),
                new TensorSpec("c.weight", DType.F16, new long[]{16, 16}),
                new TensorSpec("d.ids", DType.I64, new long[]{8}));
    }

    private Path writeSource(Path out, long cap) throws IOException {
        Path src = dir.resolve("src-files");
        Files.createDirectories(src);
        Files.writeString(src.resolve("tokenizer.json"), "{\"model\":{}}");
        Files.writeString(src.resolve("generation_config.json"), "{}");
        Files.writeString(src.resolve("pytorch_model.bin"), "not copied");
        ObjectNode cfg = new ObjectMapper().createObjectNode().put("model_type", "qwen2").put("hidden_size", 64)
                .put("num_hidden_layers", 2).put("num_attention_heads", 4).put("num_key_value_heads", 2)
                .put("intermediate_size", 128).put("vocab_size", 96).put("tie_word_embeddings", true).put("torch_dtype", "bfloat16")
                .put("rope_theta", 1_000_000.0).put("custom_key", "kept");
        try (CheckpointWriter w = CheckpointWriter.create(out, specs(), cap)) {
            for (TensorSpec s : specs()) {
                if (s.dtype().isFloating()) {
                    w.writeFloats(s.name(), ramp(s.numel(), 0.125f));
                } else {
                    w.tensor(s.name());
                }
            }
            w.writeConfig(cfg);
            w.copyAuxiliaryFiles(src);
            w.commit();
        }
        return out;
    }

    @Test
    void shardsUnderTheCapWithTheIndexAndReadsBackAsOneModel() throws IOException {
        // a: 4096 B, b: 400 B, c: 512 B, d: 64 B. Cap 4500 → [a, b], [c, d].
        Path out = writeSource(dir.resolve("sharded"), 4500);
        assertTrue(Files.exists(out.resolve("model-00001-of-00002.safetensors")));
        assertTrue(Files.exists(out.resolve("model-00002-of-00002.safetensors")));
        assertFalse(Files.exists(out.resolve("model.safetensors")));
        ShardIndex index = ShardIndex.read(out.resolve(ShardIndex.FILE_NAME));
        assertEquals(4096 + 400 + 512 + 64, index.totalSize());
        assertEquals("model-00001-of-00002.safetensors", index.weightMap().get("b.weight"));
        assertEquals("model-00002-of-00002.safetensors", index.weightMap().get("c.weight"));
        try (SafetensorsFile f = SafetensorsFile.open(out.resolve("model-00001-of-00002.safetensors"))) {
            assertEquals(List.of("a.weight", "b.weight"), f.names());
        }
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(List.of("a.weight", "b.weight", "c.weight", "d.ids"), c.tensors().stream().map(TensorInfo::name).toList());
            for (TensorInfo t : c.tensors()) {
                if (t.dtype().isFloating()) {
                    float[] back = new float[(int) t.numel()];
                    FloatCodec.decode(t.dtype(), c.data(t), 0, back, 0, back.length);
                    assertArrayEquals(ramp(t.numel(), 0.125f), back, t.name());
                }
            }
            ModelConfig cfg = c.config().orElseThrow();
            assertEquals("qwen2", cfg.modelType());
            assertTrue(cfg.attentionBias(), "qwen2 has q/k/v biases");
            assertEquals(2, cfg.kvHeads());
            assertEquals(16, cfg.headDim());
            assertEquals(1_000_000.0, cfg.ropeTheta());
            assertEquals("kept", cfg.raw().get("custom_key").asText());
            assertEquals(DType.BF16, cfg.dtype().orElseThrow());
        }
        assertEquals("{\"model\":{}}", Files.readString(out.resolve("tokenizer.json")));
        assertTrue(Files.exists(out.resolve("generation_config.json")));
        assertFalse(Files.exists(out.resolve("pytorch_model.bin")));
    }

    @Test
    void oneShardIsOneFileWithoutIndex() throws IOException {
        Path out = writeSource(dir.resolve("single"), CheckpointWriter.DEFAULT_MAX_SHARD_BYTES);
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        assertFalse(Files.exists(out.resolve(ShardIndex.FILE_NAME)));
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(4, c.tensors().size());
        }
    }

    @Test
    void aTensorLargerThanTheCapGetsAShardOfItsOwn() {
        List<List<TensorSpec>> plan = CheckpointWriter.plan(specs(), 100);
        assertEquals(List.of(List.of("a.weight"), List.of("b.weight"), List.of("c.weight"), List.of("d.ids")),
                plan.stream().map(s -> s.stream().map(TensorSpec::name).toList()).toList());
    }

    @Test
    void digestOfASingleFileIsItsSha256() throws Exception {
        Path out = writeSource(dir.resolve("digest"), CheckpointWriter.DEFAULT_MAX_SHARD_BYTES);
        byte[] bytes = Files.readAllBytes(out.resolve("model.safetensors"));
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        try (Checkpoint c = Checkpoint.open(out)) {
            assertEquals(expected, CheckpointDigest.sha256(c));
        }
    }

    @Test
    void refusesAnIndexThatDisagreesWithItsShards() throws IOException {
        Path out = writeSource(dir.resolve("bad-index"), 4500);
        Path index = out.resolve(ShardIndex.FILE_NAME);
        Files.writeString(index, Files.readString(index).replace("\"c.weight\" : \"model-00002", "\"c.weight\" : \"model-00001"));
        var e = assertThrows(IOException.class, () -> Checkpoint.open(out));
        assertTrue(e.getMessage().contains("tensor 'c.weight' is in model-00001-of-00002.safetensors but it is in model-00002"),
                e.getMessage());
    }

    @Test
    void refusesAFolderWithoutSafetensorsAndAnOccupiedOutput() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("pytorch_model.bin"), "x");
        assertTrue(assertThrows(IOException.class, () -> Checkpoint.open(empty)).getMessage().contains("safe_serialization"));
        var e = assertThrows(IOException.class, () -> CheckpointWriter.create(empty, specs(), 1000));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(Files.exists(empty.resolve("pytorch_model.bin")), "nothing already stored is lost");
    }

    @Test
    void anAbandonedWriterLeavesNoFolder() throws IOException {
        Path out = dir.resolve("abandoned");
        try (CheckpointWriter w = CheckpointWriter.create(out, specs(), 1000)) {
            w.writeFloats("b.weight", new float[100]);
        }
        assertFalse(Files.exists(out));
        try (var s = Files.list(dir)) {
            assertEquals(new ArrayList<Path>(), s.toList());
        }
    }
}
