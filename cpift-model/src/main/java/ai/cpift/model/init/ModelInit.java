package ai.cpift.model.init;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.model.llama.LlamaConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a new, randomly initialised Hugging Face model folder: weights, {@code config.json}
 * and a character-level tokenizer. The folder appears complete or not at all.
 */
public final class ModelInit {
    private ModelInit() {
    }

    /**
     * @param arch  the architecture; its vocabulary size must be the vocabulary's
     * @param vocab the tokens
     */
    public static void write(Path out, LlamaConfig arch, CharVocabulary vocab, InitOptions o) throws IOException {
        if (arch.vocab() != vocab.size()) {
            throw new IllegalArgumentException("vocab_size " + arch.vocab() + " differs from the vocabulary's " + vocab.size() + " tokens");
        }
        Map<String, long[]> shapes = new TreeMap<>(arch.parameterShapes());
        List<TensorSpec> specs = shapes.entrySet().stream().map(e -> new TensorSpec(e.getKey(), o.dtype(), e.getValue())).toList();
        Path aux = Files.createTempDirectory("cpift-init-");
        try (CheckpointWriter w = CheckpointWriter.create(out, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES)) {
            shapes.forEach((name, shape) -> w.writeFloats(name, RandomInit.values(name, shape, vocab.padId(), o)));
            w.writeConfig(HfConfigJson.build(arch, vocab, o));
            vocab.write(aux, o.maxPositions());
            w.copyAuxiliaryFiles(aux);
            w.commit();
        } finally {
            for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
                Files.deleteIfExists(aux.resolve(f));
            }
            Files.deleteIfExists(aux);
        }
    }
}
