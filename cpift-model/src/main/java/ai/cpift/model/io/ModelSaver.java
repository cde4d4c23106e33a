package ai.cpift.model.io;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;
import ai.cpift.model.engine.NoGrad;
import ai.cpift.model.llama.LlamaModel;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Writes a model back as a Hugging Face folder through {@code cpift-core}'s checkpoint writer:
 * tensors in name order, each encoded from float32 to its dtype a bounded piece at a time,
 * {@code config.json} as it was (its {@code torch_dtype} updated when the dtype changes), and
 * the tokenizer and other small files of the source folder. Loading and saving in the source
 * dtype gives back the same tensor bytes, since bf16, f16 and f32 values are exact in float32.
 */
public final class ModelSaver {
    private ModelSaver() {
    }

    /** Saves in each tensor's source dtype. */
    public static void save(LoadedModel m, Path out) throws IOException {
        save(m.model(), m.hfConfig(), m.dtypes()::get, m.source(), out);
    }

    /** Saves every tensor as {@code dtype}. */
    public static void save(LoadedModel m, Path out, DType dtype) throws IOException {
        save(m.model(), m.hfConfig(), name -> dtype, m.source(), out);
    }

    /**
     * Saves {@code model} to a new folder {@code out}.
     *
     * @param hfConfig  the config to write (its architecture must be the model's)
     * @param dtypeOf   the dtype of each tensor, by Hugging Face name
     * @param auxSource a folder whose tokenizer and other small files are copied, or null
     */
    public static void save(LlamaModel model, ModelConfig hfConfig, Function<String, DType> dtypeOf, Path auxSource, Path out)
            throws IOException {
        Map<String, Parameter> params = new TreeMap<>(model.parameters());
        List<TensorSpec> specs = params.entrySet().stream()
                .map(e -> new TensorSpec(e.getKey(), dtypeOf.apply(e.getKey()), e.getValue().getArray().getShape().getShape()))
                .toList();
        try (CheckpointWriter w = CheckpointWriter.create(out, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES);
             NoGrad ignored = NoGrad.enter()) {
            for (TensorSpec s : specs) {
                encode(params.get(s.name()).getArray(), s.dtype(), w.tensor(s.name()), ModelLoader.DEFAULT_CHUNK_ELEMENTS);
            }
            w.writeConfig(config(hfConfig, specs));
            if (auxSource != null) {
                w.copyAuxiliaryFiles(auxSource);
            }
            w.commit();
        }
    }

    /** The config with {@code torch_dtype} set to the one dtype of the tensors, when they share one and it changed. */
    static ObjectNode config(ModelConfig hf, List<TensorSpec> specs) {
        Set<DType> used = new HashSet<>();
        specs.forEach(s -> used.add(s.dtype()));
        ObjectNode json = hf.raw().deepCopy();
        if (used.size() == 1) {
            String name = used.iterator().next().torchName();
            if (!name.equals(hf.torchDtype())) {
                json.put("torch_dtype", name);
                if (json.has("dtype")) {
                    json.put("dtype", name); // newer transformers write this key instead
                }
            }
        }
        return json;
    }

    /** Encodes a float32 {@code array} into {@code dst} as {@code dtype}, {@code chunk} elements (whole rows) at a time. */
    public static void encode(NDArray array, DType dtype, MemorySegment dst, int chunk) {
        long n = array.size();
        if (n <= chunk) {
            float[] values = array.toFloatArray();
            FloatCodec.encode(dtype, values, 0, values.length, dst, 0);
            return;
        }
        long rows = array.getShape().get(0);
        long rowElements = n / rows;
        long rowsPerChunk = Math.max(1, chunk / rowElements);
        for (long r = 0; r < rows; r += rowsPerChunk) {
            try (NDArray piece = array.get(new NDIndex("{}:{}", r, Math.min(rows, r + rowsPerChunk)))) {
                float[] values = piece.toFloatArray();
                FloatCodec.encode(dtype, values, 0, values.length, dst, r * rowElements);
            }
        }
    }
}
