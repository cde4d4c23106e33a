package ai.cpift.model.train;

import ai.cpift.core.safetensors.DType;
import ai.cpift.model.init.CharVocabulary;
import ai.cpift.model.init.InitOptions;
import ai.cpift.model.init.ModelInit;
import ai.cpift.model.llama.LlamaConfig;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tiny models and toy datasets for the trainer's tests. */
public final class TrainFixtures {
    /** The default character vocabulary: printable ASCII, enough for the prompt template. */
    public static final CharVocabulary VOCAB = CharVocabulary.of(CharVocabulary.DEFAULT_CHARS);

    private TrainFixtures() {
    }

    /** A random llama: hidden 64, 2 layers, 4 query heads over 2 key/value heads, untied, f32. */
    public static Path tinyModel(Path dir, long seed) throws IOException {
        LlamaConfig arch = new LlamaConfig("llama", 64, 2, 4, 2, 16, 128, VOCAB.size(), 1e-6, 10_000, false, false, false, 0);
        ModelInit.write(dir, arch, VOCAB, new InitOptions(DType.F32, 256, seed, 0.02, false));
        return dir;
    }

    /** "a" → "b", ..., "z" → "a": 26 prompt/response lines. */
    public static Path nextLetter(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (char c = 'a'; c <= 'z'; c++) {
            String next = String.valueOf(c == 'z' ? 'a' : (char) (c + 1));
            lines.add(json.createObjectNode().put("prompt", String.valueOf(c)).put("response", next).toString());
        }
        Files.write(file, lines);
        return file;
    }
}
