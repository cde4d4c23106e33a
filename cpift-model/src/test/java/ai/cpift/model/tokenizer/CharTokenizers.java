package ai.cpift.model.tokenizer;

import ai.cpift.model.init.CharVocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the character-level tokenizer that {@code cpift model init} makes, for tests. */
public final class CharTokenizers {
    private CharTokenizers() {
    }

    /** Writes the tokenizer files into {@code dir}; returns every token's text in id order. */
    public static List<String> write(Path dir, String chars) throws IOException {
        CharVocabulary v = CharVocabulary.of(chars);
        Files.createDirectories(dir);
        v.write(dir, 2048);
        return v.tokens();
    }
}
