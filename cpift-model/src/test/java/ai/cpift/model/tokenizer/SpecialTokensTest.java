package ai.cpift.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The char tokenizer over "ab" has ids {@code <pad>} 0, {@code <s>} 1, {@code </s>} 2, {@code <unk>} 3, a 4, b 5. */
class SpecialTokensTest {
    @TempDir
    Path dir;

    private Path folder(String tokenizerConfig, String specialMap, String config) throws Exception {
        CharTokenizers.write(dir, "ab");
        Files.delete(dir.resolve("tokenizer_config.json"));
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        if (specialMap != null) {
            Files.writeString(dir.resolve("special_tokens_map.json"), specialMap);
        }
        if (config != null) {
            Files.writeString(dir.resolve("config.json"), config);
        }
        return dir;
    }

    private static SpecialTokens of(int bos, int eos, int pad, int unk) {
        return new SpecialTokens(opt(bos), opt(eos), opt(pad), opt(unk));
    }

    private static OptionalInt opt(int id) {
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private SpecialTokens load(Path folder) throws Exception {
        try (Tokenizer t = Tokenizer.load(folder)) {
            return t.specialTokens();
        }
    }

    @Test
    void tokenizerConfigComesFirstAndNullMeansNone() throws Exception {
        Path f = folder("{\"bos_token\": null, \"eos_token\": {\"content\": \"<unk>\", \"special\": true}, \"pad_token\": \"b\"}",
                "{\"eos_token\": \"<s>\", \"unk_token\": \"a\"}",
                "{\"bos_token_id\": 1, \"eos_token_id\": 2}");
        // bos: null in tokenizer_config wins over config.json; eos: tokenizer_config; pad: tokenizer_config;
        // unk: not in tokenizer_config, so special_tokens_map
        assertEquals(of(-1, 3, 5, 4), load(f));
    }

    @Test
    void specialTokensMapComesBeforeConfigJson() throws Exception {
        assertEquals(of(4, 5, 0, 3), load(folder(null, "{\"bos_token\": \"a\", \"eos_token\": {\"content\": \"b\"}}",
                "{\"bos_token_id\": 1, \"eos_token_id\": 2}")));
    }

    @Test
    void configJsonIdsAreUsedWhenNoTokenizerFileNamesTheToken() throws Exception {
        // a list of eos ids (Llama 3): the first; null: not stated, so the conventional name in tokenizer.json
        assertEquals(of(5, 4, 0, 3), load(folder("{}", null, "{\"bos_token_id\": 5, \"eos_token_id\": [4, 2], "
                + "\"pad_token_id\": null}")));
    }

    @Test
    void tokenizerJsonAloneGivesTheConventionalNames() throws Exception {
        assertEquals(of(1, 2, 0, 3), load(folder(null, null, null)));
    }

    @Test
    void badSettingsNameTheFileFieldAndFix() throws Exception {
        Path f = folder("{\"eos_token\": \"<|im_end|>\"}", null, null);
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(f));
        assertEquals(f.resolve("tokenizer_config.json") + ": field 'eos_token' names '<|im_end|>', which is not in "
                + "tokenizer.json; fix: name a token of its vocabulary or added_tokens", e.getMessage());

        Path g = folder("{}", null, "{\"eos_token_id\": 6}");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(g));
        assertEquals(g.resolve("config.json") + ": field 'eos_token_id' is 6, beyond the tokenizer's 6 ids; fix: give "
                + "the id of the token in tokenizer.json", e.getMessage());

        Path h = folder("{\"eos_token\": 2}", null, null);
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(h));
        assertTrue(e.getMessage().contains("field 'eos_token' must be a token string or {\"content\": ...}, found 2"),
                e.getMessage());
    }

    @Test
    void missingOrBrokenTokenizerJsonIsNamed() throws Exception {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(empty));
        assertEquals(empty.resolve("tokenizer.json") + ": missing; fix: point at a Hugging Face model folder that has "
                + "tokenizer.json (or write one with CharTokenizerWriter)", e.getMessage());

        String broken = "{\"model\": {\"vocab\": {\"a\": 0,}}}";
        Files.writeString(empty.resolve("tokenizer.json"), broken);
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(empty));
        int column = broken.indexOf(",}") + 2; // 1-based column of the '}' after the trailing comma
        assertTrue(e.getMessage().startsWith(empty.resolve("tokenizer.json") + ": not valid JSON at line 1 column " + column
                + " ("), e.getMessage());

        // valid JSON with a vocabulary, but not a model the library knows
        Files.writeString(empty.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {\"a\": 0}}}");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(empty));
        assertTrue(e.getMessage().startsWith(empty.resolve("tokenizer.json") + ": not a tokenizer the Hugging Face "
                + "tokenizers library can load ("), e.getMessage());
    }

    @Test
    void aUnigramVocabularyIsAList() throws Exception {
        Path u = dir.resolve("unigram");
        Files.createDirectories(u);
        Files.writeString(u.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
                 "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0], ["b", -1.0], ["ab", -0.5]]}}
                """);
        try (Tokenizer t = Tokenizer.load(u)) {
            assertEquals(4, t.vocabSize());
            assertEquals(of(-1, -1, -1, 0), t.specialTokens());
            assertArrayEquals(new int[]{3, 1}, t.encode("aba"));
        }
    }
}
