package ai.cpift.model.io;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.SafetensorsFormatException;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;
import ai.cpift.model.init.CharVocabulary;
import ai.cpift.model.init.HfConfigJson;
import ai.cpift.model.init.InitOptions;
import ai.cpift.model.llama.LlamaConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelIoTest {
    static final CharVocabulary VOCAB = CharVocabulary.of("abcdefgh");
    static final LlamaConfig ARCH = new LlamaConfig("qwen2", 16, 2, 4, 2, 4, 24, VOCAB.size(), 1e-6, 1e6, false, true, false, 0);

    @TempDir
    Path dir;

    /** A checkpoint of ARCH with random values and the awkward ones: -0, subnormals, the largest f16, tiny bf16. */
    static Path checkpoint(Path out, DType dtype, long cap, Consumer<Map<String, long[]>> edit, ObjectNode config) throws IOException {
        Map<String, long[]> shapes = new java.util.TreeMap<>(ARCH.parameterShapes());
        edit.accept(shapes);
        List<TensorSpec> specs = shapes.entrySet().stream().map(e -> new TensorSpec(e.getKey(), dtype, e.getValue())).toList();
        Random r = new Random(7);
        try (CheckpointWriter w = CheckpointWriter.create(out, specs, cap)) {
            for (TensorSpec s : specs) {
                float[] v = new float[(int) s.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.5);
                }
                float[] edge = {-0f, 1e-40f, -3e-39f, 65504f, 6e-8f, 1e-38f};
                System.arraycopy(edge, 0, v, 0, Math.min(edge.length, v.length));
                w.writeFloats(s.name(), v);
            }
            w.writeConfig(config);
            Path aux = Files.createDirectories(out.resolveSibling(out.getFileName() + "-aux"));
            VOCAB.write(aux, 64);
            w.copyAuxiliaryFiles(aux);
            w.commit();
        }
        return out;
    }

    static ObjectNode config(DType dtype) {
        return HfConfigJson.build(ARCH, VOCAB, new InitOptions(dtype, 64, 0, 0.02, false));
    }

    static Path checkpoint(Path out, DType dtype) throws IOException {
        return checkpoint(out, dtype, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES, s -> { }, config(dtype));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BF16", "F16", "F32"})
    void loadThenSaveGivesBackTheSameTensorBytes(DType dtype) throws Exception {
        // The bf16 source is sharded (a 2 kB cap), the others are single files.
        Path src = checkpoint(dir.resolve("src"), dtype, dtype == DType.BF16 ? 2048 : CheckpointWriter.DEFAULT_MAX_SHARD_BYTES,
                s -> { }, config(dtype));
        Path out = dir.resolve("out");
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel m = ModelLoader.load(src, manager);
            assertEquals(ARCH, m.model().config());
            ModelSaver.save(m, out);
        }
        try (Checkpoint a = Checkpoint.open(src); Checkpoint b = Checkpoint.open(out)) {
            assertTrue(dtype != DType.BF16 || a.weightFiles().size() > 1, "the bf16 source should be sharded");
            assertEquals(a.tensors().stream().map(TensorInfo::name).toList(), b.tensors().stream().map(TensorInfo::name).toList());
            for (TensorInfo t : a.tensors()) {
                TensorInfo u = b.info(t.name());
                assertEquals(t.dtype(), u.dtype());
                assertArrayEquals(a.data(t).toArray(ValueLayout.JAVA_BYTE), b.data(u).toArray(ValueLayout.JAVA_BYTE), t.name());
            }
        }
        assertEquals(Files.readString(src.resolve("config.json")), Files.readString(out.resolve("config.json")));
        assertEquals(Files.readString(src.resolve("tokenizer.json")), Files.readString(out.resolve("tokenizer.json")));
        assertTrue(Files.exists(out.resolve("tokenizer_config.json")));
    }

    @Test
    void savingInAnotherDtypeRoundsAndUpdatesTorchDtype() throws Exception {
        Path src = checkpoint(dir.resolve("src"), DType.F32);
        Path out = dir.resolve("bf16");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelSaver.save(ModelLoader.load(src, manager), out, DType.BF16);
        }
        assertEquals("bfloat16", ModelConfig.read(out.resolve("config.json")).torchDtype());
        try (Checkpoint a = Checkpoint.open(src); Checkpoint b = Checkpoint.open(out)) {
            TensorInfo t = a.info("model.layers.0.mlp.up_proj.weight");
            TensorInfo u = b.info(t.name());
            assertEquals(DType.BF16, u.dtype());
            float[] f32 = new float[(int) t.numel()];
            FloatCodec.decode(DType.F32, a.data(t), 0, f32, 0, f32.length);
            for (int i = 0; i < f32.length; i++) {
                assertEquals(FloatCodec.floatToBf16(f32[i]), b.data(u).get(FloatCodec.LE_SHORT, 2L * i));
            }
        }
    }

    @Test
    void chunkedLoadAndSaveEqualWholeTensorOnes() throws Exception {
        Path src = checkpoint(dir.resolve("src"), DType.BF16);
        try (NDManager manager = NDManager.newBaseManager(); Checkpoint c = Checkpoint.open(src)) {
            Map<String, ai.djl.nn.Parameter> whole = ModelLoader.load(src, manager).model().parameters();
            Map<String, ai.djl.nn.Parameter> chunked = ModelLoader.load(src, manager, 7).model().parameters();
            for (String name : whole.keySet()) {
                NDArray a = whole.get(name).getArray();
                assertArrayEquals(a.toFloatArray(), chunked.get(name).getArray().toFloatArray(), name);
                TensorInfo t = c.info(name);
                java.lang.foreign.MemorySegment dst = java.lang.foreign.Arena.ofAuto().allocate(t.byteLength());
                ModelSaver.encode(a, t.dtype(), dst, 5);
                assertArrayEquals(c.data(t).toArray(ValueLayout.JAVA_BYTE), dst.toArray(ValueLayout.JAVA_BYTE), name);
            }
        }
    }

    @Test
    void refusesFoldersThatDoNotMatchTheirConfig() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<String> messages = new ArrayList<>();
            Path missing = checkpoint(dir.resolve("missing"), DType.F32, Long.MAX_VALUE,
                    s -> s.remove("model.layers.1.self_attn.v_proj.bias"), config(DType.F32));
            Path shape = checkpoint(dir.resolve("shape"), DType.F32, Long.MAX_VALUE,
                    s -> s.put("model.norm.weight", new long[]{17}), config(DType.F32));
            Path extra = checkpoint(dir.resolve("extra"), DType.F32, Long.MAX_VALUE,
                    s -> s.put("model.layers.0.self_attn.rotary_emb.inv_freq", new long[]{2}), config(DType.F32));
            Path scaled = checkpoint(dir.resolve("scaled"), DType.F32, Long.MAX_VALUE, s -> { },
                    (ObjectNode) config(DType.F32).set("rope_scaling", config(DType.F32).objectNode().put("rope_type", "llama3")));
            for (Path p : List.of(missing, shape, extra, scaled)) {
                messages.add(assertThrows(SafetensorsFormatException.class, () -> ModelLoader.load(p, manager)).getMessage());
            }
            assertTrue(messages.get(0).startsWith(missing.toString()) && messages.get(0).contains("model.layers.1.self_attn.v_proj.bias")
                    && messages.get(0).contains("missing"), messages.get(0));
            assertTrue(messages.get(1).contains("'model.norm.weight' has shape [17] but config.json implies [16]"), messages.get(1));
            assertTrue(messages.get(2).contains("model.layers.0.self_attn.rotary_emb.inv_freq") && messages.get(2).contains("lost on save"),
                    messages.get(2));
            assertTrue(messages.get(3).contains("rope_scaling") && messages.get(3).contains("config.json"), messages.get(3));
            Path bare = dir.resolve("bare");
            Files.createDirectories(bare);
            Files.copy(missing.resolve("model.safetensors"), bare.resolve("model.safetensors"));
            assertTrue(assertThrows(SafetensorsFormatException.class, () -> ModelLoader.load(bare, manager)).getMessage()
                    .contains("no config.json"));
        }
    }
}
