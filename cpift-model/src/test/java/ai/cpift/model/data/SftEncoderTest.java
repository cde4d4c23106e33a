package ai.cpift.model.data;

import ai.cpift.model.tokenizer.CharTokenizers;
import ai.cpift.model.init.CharVocabulary;
import ai.cpift.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-worked token ids. The vocabulary {@value #CHARS} gives, after {@code <pad>} 0, {@code <s>} 1,
 * {@code </s>} 2, {@code <unk>} 3:
 * Q 4, A 5, I 6, : 7, \n 8, > 9, h 10, i 11, U 12, s 13, e 14, r 15, t 16, a 17, n 18, S 19, y 20,
 * m 21, o 22, k 23, space 24.
 */
class SftEncoderTest {
    static final String CHARS = "QAI:\n>hiUsertanSymok ";
    static final PromptTemplate SHORT = new PromptTemplate("Q:{instruction}\nA:", "Q:{instruction}\nI:{input}\nA:",
            "{role}>{content}\n");
    static final ExampleOrigin AT = new ExampleOrigin("t.jsonl", 3);

    @TempDir
    static Path dir;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        CharTokenizers.write(dir.resolve("short"), CHARS);
        CharTokenizers.write(dir.resolve("ascii"), CharVocabulary.DEFAULT_CHARS);
        tokenizer = Tokenizer.load(dir.resolve("short"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static int[] mask(int zeros, int ones) {
        int[] m = new int[zeros + ones];
        java.util.Arrays.fill(m, zeros, zeros + ones, 1);
        return m;
    }

    @Test
    void promptResponse() {
        TokenizedExample t = new SftEncoder(tokenizer, SHORT).encode(new PromptResponseExample(AT, "hi", "ok"));
        //                     <s> Q  :  h   i   \n A  :  | o   k   </s>
        assertArrayEquals(new int[]{1, 4, 7, 10, 11, 8, 5, 7, 22, 23, 2}, t.tokens());
        assertEquals(8, t.responseStart());
        assertArrayEquals(mask(8, 3), t.lossMask());
        assertEquals(AT, t.origin());
    }

    @Test
    void alpacaWithAndWithoutInput() {
        SftEncoder enc = new SftEncoder(tokenizer, SHORT);
        TokenizedExample with = enc.encode(new AlpacaExample(AT, "hi", "yo", "ok"));
        //                     <s> Q  :  h   i   \n I  :  y   o   \n A  :  | o   k   </s>
        assertArrayEquals(new int[]{1, 4, 7, 10, 11, 8, 6, 7, 20, 22, 8, 5, 7, 22, 23, 2}, with.tokens());
        assertEquals(13, with.responseStart());
        assertArrayEquals(mask(13, 3), with.lossMask());

        TokenizedExample without = enc.encode(new AlpacaExample(AT, "hi", "", "ok"));
        assertArrayEquals(new int[]{1, 4, 7, 10, 11, 8, 5, 7, 22, 23, 2}, without.tokens());
        assertEquals(8, without.responseStart());
    }

    @Test
    void multiTurnChat() {
        ChatExample chat = new ChatExample(AT, List.of(
                new ChatMessage(ChatRole.SYSTEM, "hi"),
                new ChatMessage(ChatRole.USER, "yo"),
                new ChatMessage(ChatRole.ASSISTANT, "ok"),
                new ChatMessage(ChatRole.USER, "hi")), "yo");
        TokenizedExample t = new SftEncoder(tokenizer, SHORT).encode(chat);
        int[] expected = {
                1,
                19, 20, 13, 16, 14, 21, 9, 10, 11, 8,       // System>hi\n
                12, 13, 14, 15, 9, 20, 22, 8,               // User>yo\n
                5, 13, 13, 11, 13, 16, 17, 18, 16, 9, 22, 23, 8, // Assistant>ok\n (an earlier turn: no loss)
                12, 13, 14, 15, 9, 10, 11, 8,               // User>hi\n
                5, 13, 13, 11, 13, 16, 17, 18, 16, 9,       // Assistant>
                20, 22,                                     // yo: the response
                2};
        assertArrayEquals(expected, t.tokens());
        assertEquals(50, t.responseStart());
        assertArrayEquals(mask(50, 3), t.lossMask());
    }

    @Test
    void defaultTemplateDecodesBackToTheRenderedText() throws Exception {
        try (Tokenizer ascii = Tokenizer.load(dir.resolve("ascii"))) {
            SftEncoder enc = new SftEncoder(ascii, PromptTemplate.defaults());
            TokenizedExample t = enc.encode(new AlpacaExample(AT, "Add 2 and 2.", "", " 4, of course!"));
            assertEquals("<s>### Instruction:\nAdd 2 and 2.\n\n### Response:\n 4, of course!</s>", ascii.decode(t.tokens()));
            int responseTokens = " 4, of course!".length() + 1; // one per character, then eos
            assertArrayEquals(mask(t.length() - responseTokens, responseTokens), t.lossMask());
            int[] response = java.util.Arrays.copyOfRange(t.tokens(), t.responseStart(), t.length());
            assertEquals(" 4, of course!</s>", ascii.decode(response));
        }
    }

    @Test
    void datasetLoadsAndTokenizesAFile() throws Exception {
        Path file = dir.resolve("task.jsonl");
        Files.writeString(file, "{\"prompt\": \"hi\", \"response\": \"ok\"}\n\n{\"instruction\": \"hi\", \"input\": \"yo\", "
                + "\"output\": \"ok\"}\n");
        SftDataset d = SftDataset.load("greet", file, new SftEncoder(tokenizer, SHORT));
        assertEquals("greet", d.task());
        assertEquals(2, d.size());
        assertArrayEquals(new int[]{1, 4, 7, 10, 11, 8, 5, 7, 22, 23, 2}, d.examples().get(0).tokens());
        assertEquals(new ExampleOrigin(file.toString(), 3), d.examples().get(1).origin());
        assertEquals(1, d.countLongerThan(11));
    }

    @Test
    void aTokenizerWithoutEosIsRefused() throws Exception {
        Path noEos = dir.resolve("no-eos");
        CharTokenizers.write(noEos, "ab");
        Files.writeString(noEos.resolve("tokenizer_config.json"), "{\"eos_token\": null}");
        try (Tokenizer t = Tokenizer.load(noEos)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SftEncoder(t, PromptTemplate.defaults()));
            assertTrue(e.getMessage().contains("has no eos token"), e.getMessage());
        }
    }
}
