package ai.cpift.model.tokenizer;

import ai.cpift.model.init.CharVocabulary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void idsAreTheSpecialsThenTheCharactersInOrder() throws Exception {
        List<String> vocab = CharTokenizers.write(dir, "ba \n");
        assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>", "b", "a", " ", "\n"), vocab);
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(8, t.vocabSize());
            assertEquals(new SpecialTokens(OptionalInt.of(1), OptionalInt.of(2), OptionalInt.of(0), OptionalInt.of(3)),
                    t.specialTokens());
            assertArrayEquals(new int[]{4, 5, 6, 7, 5, 4}, t.encode("ba \nab"));
            assertArrayEquals(new int[]{}, t.encode(""));
            // no bos/eos added, no whitespace collapsed: leading, trailing and repeated spaces are tokens
            assertArrayEquals(new int[]{6, 6, 4, 6, 6}, t.encode("  b  "));
            assertArrayEquals(new int[]{7, 7, 6, 7}, t.encode("\n\n \n"));
        }
    }

    @Test
    void charactersOutsideTheVocabularyBecomeUnk() throws Exception {
        CharTokenizers.write(dir, "ab");
        try (Tokenizer t = Tokenizer.load(dir)) {
            // 'c', 'é', a space, '\t' and an emoji (a surrogate pair in Java) are one <unk> each
            assertArrayEquals(new int[]{4, 3, 3, 3, 3, 5, 3}, t.encode("acé \tb\uD83D\uDE00"));
            assertEquals("a<unk>b", t.decode(new int[]{4, 3, 5}));
            assertEquals("ab", t.decode(new int[]{4, 3, 5}, true));
        }
    }

    @Test
    void defaultCharactersRoundTripArbitraryText() throws Exception {
        List<String> vocab = CharTokenizers.write(dir, CharVocabulary.DEFAULT_CHARS);
        assertEquals(4 + 2 + 95, vocab.size());
        Random random = new Random(42);
        String chars = CharVocabulary.DEFAULT_CHARS;
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(101, t.vocabSize());
            String fixed = "Q: 12 + 30 = ?\n\tA: \"42\", (it's {x}) [y] <z> a\\b ~`|^_@#$%&*;/!";
            for (int round = 0; round < 200; round++) {
                String text = round == 0 ? fixed : randomText(random, chars, random.nextInt(60));
                int[] ids = t.encode(text);
                assertEquals(text.length(), ids.length, text);
                for (int i = 0; i < ids.length; i++) {
                    // independent expectation: '\n' = 4, '\t' = 5, then ' '..'~' from 6 on
                    char c = text.charAt(i);
                    int expected = c == '\n' ? 4 : c == '\t' ? 5 : c - ' ' + 6;
                    assertEquals(expected, ids[i], "character " + i + " of " + text);
                }
                assertEquals(text, t.decode(ids), "round trip of " + text);
            }
        }
    }

    @Test
    void nonAsciiCharactersAreOneTokenPerCodePoint() throws Exception {
        CharTokenizers.write(dir, "é\uD83D\uDE00 ü");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertArrayEquals(new int[]{4, 5, 6, 7}, t.encode("é\uD83D\uDE00 ü"));
            assertEquals("ü é\uD83D\uDE00", t.decode(new int[]{7, 6, 4, 5}));
        }
    }

    @Test
    void specialTokensDecodeAsTheirTextUnlessSkipped() throws Exception {
        CharTokenizers.write(dir, "hi");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals("<s>hi</s><pad>", t.decode(new int[]{1, 4, 5, 2, 0}));
            assertEquals("hi", t.decode(new int[]{1, 4, 5, 2, 0}, true));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{4, 6}));
            assertTrue(e.getMessage().contains("token id 6 at position 1 is outside the vocabulary [0, 6)"), e.getMessage());
        }
    }

    @Test
    void filesAreTheStandardHuggingFaceFormat() throws Exception {
        CharTokenizers.write(dir, "a\n");
        ObjectMapper json = new ObjectMapper();
        JsonNode tok = json.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("BPE", tok.at("/model/type").asText());
        assertEquals(0, tok.at("/model/merges").size());
        assertEquals("<unk>", tok.at("/model/unk_token").asText());
        assertEquals(5, tok.at("/model/vocab/\n").asInt());
        assertEquals(4, tok.get("added_tokens").size());
        for (int id = 0; id < 4; id++) {
            JsonNode added = tok.get("added_tokens").get(id);
            assertEquals(id, added.get("id").asInt());
            assertEquals(CharVocabulary.SPECIALS.get(id), added.get("content").asText());
            assertTrue(added.get("special").asBoolean());
        }
        assertTrue(tok.get("normalizer").isNull());
        assertEquals("Split", tok.at("/pre_tokenizer/type").asText());
        assertEquals("Isolated", tok.at("/pre_tokenizer/behavior").asText());
        assertEquals("Fuse", tok.at("/decoder/type").asText());
        JsonNode config = json.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("</s>", config.get("eos_token").asText());
        assertEquals(false, config.get("clean_up_tokenization_spaces").asBoolean());
    }

    @Test
    void badCharacterListsAreRefusedWithTheFix() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> CharTokenizers.write(dir, "abca"));
        assertEquals("vocabulary characters must be distinct; repeated: [a]; fix: list each character once", twice.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> CharTokenizers.write(dir, ""));
        assertTrue(empty.getMessage().startsWith("the vocabulary needs at least one character; fix:"), empty.getMessage());
    }

    private static String randomText(Random random, String chars, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString();
    }
}
