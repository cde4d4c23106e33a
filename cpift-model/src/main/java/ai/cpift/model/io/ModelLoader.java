package ai.cpift.model.io;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.SafetensorsFormatException;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import ai.cpift.model.llama.LlamaConfig;
import ai.cpift.model.llama.LlamaModel;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face checkpoint folder (one file or shards) into a float32 {@link LlamaModel}.
 * Tensors are decoded by {@code cpift-core}'s codec, never by DJL (which aborts the JVM on
 * bf16), a bounded number of elements at a time. The folder must hold exactly the parameters
 * its {@code config.json} implies, with their shapes: anything missing, misshapen or left over
 * is an error, since a tensor the model does not use would silently vanish on save.
 */
public final class ModelLoader {
    /** Elements decoded per piece: 64 MiB of float32 on the heap, whatever the tensor's size. */
    static final int DEFAULT_CHUNK_ELEMENTS = 16 << 20;

    private ModelLoader() {
    }

    /** Loads {@code dir}; the parameter arrays belong to {@code manager}. */
    public static LoadedModel load(Path dir, NDManager manager) throws IOException {
        return load(dir, manager, DEFAULT_CHUNK_ELEMENTS);
    }

    static LoadedModel load(Path dir, NDManager manager, int chunkElements) throws IOException {
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ModelConfig hf = ckpt.config().orElseThrow(() -> new SafetensorsFormatException(dir,
                    "no config.json: a model folder needs one to know the architecture"));
            LlamaConfig config;
            try {
                config = LlamaConfig.from(hf);
            } catch (IllegalArgumentException e) {
                throw new SafetensorsFormatException(dir.resolve(ModelConfig.FILE_NAME), e.getMessage());
            }
            validate(ckpt, config.parameterShapes());
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            Map<String, DType> dtypes = new LinkedHashMap<>();
            try {
                for (String name : config.parameterShapes().keySet()) {
                    TensorInfo t = ckpt.info(name);
                    arrays.put(name, read(ckpt.data(t), t, manager, chunkElements));
                    dtypes.put(name, t.dtype());
                }
                LlamaModel model = new LlamaModel(config);
                model.setParameters(arrays);
                return new LoadedModel(dir, hf, model, dtypes);
            } catch (RuntimeException e) {
                arrays.values().forEach(NDArray::close);
                throw e;
            }
        }
    }

    private static void validate(Checkpoint ckpt, Map<String, long[]> expected) throws SafetensorsFormatException {
        Path dir = ckpt.path();
        List<String> missing = expected.keySet().stream().filter(n -> ckpt.find(n).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new SafetensorsFormatException(dir, missing.size() + " tensor(s) that config.json implies are missing: "
                    + missing.subList(0, Math.min(5, missing.size())) + (missing.size() > 5 ? " ..." : "")
                    + "; check num_hidden_layers, tie_word_embeddings and attention_bias against the weights");
        }
        for (var e : expected.entrySet()) {
            TensorInfo t = ckpt.info(e.getKey());
            if (!t.dtype().isFloating()) {
                throw new SafetensorsFormatException(dir, "tensor '" + t.name() + "' is " + t.dtype()
                        + "; a weight must be F32, F16, BF16 or F64");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new SafetensorsFormatException(dir, "tensor '" + t.name() + "' has shape " + t.shapeString()
                        + " but config.json implies " + Arrays.toString(e.getValue()));
            }
        }
        List<String> extra = ckpt.tensors().stream().map(TensorInfo::name).filter(n -> !expected.containsKey(n)).toList();
        if (!extra.isEmpty()) {
            throw new SafetensorsFormatException(dir, extra.size() + " tensor(s) are not parameters of the model config.json describes: "
                    + extra.subList(0, Math.min(5, extra.size())) + (extra.size() > 5 ? " ..." : "")
                    + "; they would be lost on save: check tie_word_embeddings and attention_bias, or remove them");
        }
    }

    /** Decodes a tensor to a float32 array, {@code chunk} elements (whole rows) at a time. */
    static NDArray read(MemorySegment data, TensorInfo t, NDManager manager, int chunk) {
        Shape shape = new Shape(t.shape());
        long n = t.numel();
        if (n <= chunk) {
            float[] values = new float[(int) n];
            FloatCodec.decode(t.dtype(), data, 0, values, 0, (int) n);
            return manager.create(values, shape);
        }
        long rows = shape.get(0);
        long rowElements = n / rows;
        long rowsPerChunk = Math.max(1, chunk / rowElements);
        NDArray full = manager.zeros(shape, DataType.FLOAT32);
        for (long r = 0; r < rows; r += rowsPerChunk) {
            long k = Math.min(rowsPerChunk, rows - r);
            float[] values = new float[Math.toIntExact(k * rowElements)];
            FloatCodec.decode(t.dtype(), data, r * rowElements, values, 0, values.length);
            List<Long> dims = new ArrayList<>(Arrays.stream(shape.getShape()).boxed().toList());
            dims.set(0, k);
            try (NDArray piece = manager.create(values, new Shape(dims))) {
                full.set(new NDIndex("{}:{}", r, r + k), piece);
            }
        }
        return full;
    }
}
