package ai.cpift.model.io;

import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.DType;
import ai.cpift.model.llama.LlamaModel;

import java.nio.file.Path;
import java.util.Map;

/**
 * A model read from a Hugging Face folder, with what saving it back needs.
 *
 * @param source   the folder it came from (its tokenizer files are copied on save)
 * @param hfConfig its {@code config.json}, written back unchanged but for {@code torch_dtype}
 * @param model    the decoder, float32, its parameter arrays in the manager given to the loader
 * @param dtypes   each parameter's dtype in the source checkpoint, by Hugging Face name
 */
public record LoadedModel(Path source, ModelConfig hfConfig, LlamaModel model, Map<String, DType> dtypes) {
    public LoadedModel {
        dtypes = Map.copyOf(dtypes);
    }
}
