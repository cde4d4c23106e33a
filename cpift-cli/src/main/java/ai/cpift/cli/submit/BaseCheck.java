package ai.cpift.cli.submit;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.model.llama.LlamaConfig;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.cpift.platform.store.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checks that a base folder is a checkpoint the trainer can load (config.json of a supported architecture,
 * every parameter it implies with its shape, a tokenizer that fits the embedding) before anything is
 * uploaded: the services would otherwise fail on it minutes later, once per task.
 */
final class BaseCheck {
    private BaseCheck() {
    }

    /** The files {@code ObjectStore.putFolder} would upload, by name, with their SHA-256. */
    static Map<String, String> check(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "--base must be a Hugging Face model folder");
        }
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ModelConfig hf = ckpt.config().orElseThrow(() -> new IOException("base " + dir + ": no config.json; fix: point --base at a "
                    + "Hugging Face model folder (config.json, model.safetensors, tokenizer.json)"));
            LlamaConfig arch;
            try {
                arch = LlamaConfig.from(hf);
            } catch (IllegalArgumentException e) {
                throw new IOException("base " + dir.resolve(ModelConfig.FILE_NAME) + ": " + e.getMessage(), e);
            }
            for (var e : arch.parameterShapes().entrySet()) {
                TensorInfo t = ckpt.find(e.getKey()).orElseThrow(() -> new IOException("base " + dir + ": tensor '" + e.getKey()
                        + "' that config.json implies is missing; fix: check num_hidden_layers, tie_word_embeddings and "
                        + "attention_bias against the weights"));
                if (!Arrays.equals(t.shape(), e.getValue())) {
                    throw new IOException("base " + dir + ": tensor '" + t.name() + "' has shape " + t.shapeString()
                            + " but config.json implies " + Arrays.toString(e.getValue()) + "; fix: use the config.json saved with the weights");
                }
            }
            try (Tokenizer tok = Tokenizer.load(dir)) {
                if (tok.vocabSize() > arch.vocab()) {
                    throw new IOException("base " + dir + ": tokenizer.json has " + tok.vocabSize() + " tokens but config.json's "
                            + "vocab_size is " + arch.vocab() + "; fix: use the tokenizer saved with the model");
                }
            }
        }
        return hashes(dir);
    }

    /** Name → SHA-256 of the regular, non-hidden files directly in {@code dir}, as putFolder selects them. */
    static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                out.put(f.getFileName().toString(), Sha256.of(f));
            }
        }
        return out;
    }
}
