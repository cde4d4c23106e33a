package ai.cpift.model.init;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CharVocabularyTest {
    @TempDir
    Path dir;

    @Test
    void writesATokenizerThatHuggingFaceTokenizersLoads() throws Exception {
        CharVocabulary v = CharVocabulary.of("abc \n");
        assertEquals(9, v.size());
        v.write(dir, 128);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            // ids: <pad> 0, <s> 1, </s> 2, <unk> 3, then a 4, b 5, c 6, space 7, newline 8
            assertArrayEquals(new long[]{4, 5, 6}, tok.encode("abc", false, false).getIds());
            assertArrayEquals(new long[]{1, 4, 5, 6}, tok.encode("abc").getIds());
            assertArrayEquals(new long[]{6, 6, 7, 8, 8, 4, 3, 5}, tok.encode("cc \n\naxb", false, false).getIds());
            assertArrayEquals(new long[]{4, 2, 5}, tok.encode("a</s>b", false, false).getIds());
            assertEquals("ab c", tok.decode(new long[]{1, 4, 5, 7, 6}, true));
        }
    }

    @Test
    void idsFollowTheSpecialTokensAndCharactersMustBeDistinct() {
        CharVocabulary v = CharVocabulary.of("xé😀");
        assertEquals(List.of("x", "é", "😀"), v.characters());
        assertEquals("<unk>", v.token(v.unkId()));
        assertEquals("😀", v.token(6));
        assertEquals(7, v.tokenizerJson().path("model").path("vocab").size());
        var e = assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of("abca"));
        assertEquals("vocabulary characters must be distinct; repeated: [a]; fix: list each character once", e.getMessage());
    }
}
