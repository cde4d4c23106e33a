package ai.cpift.model.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SftCollatorTest {
    private static final ExampleOrigin AT = new ExampleOrigin("t.jsonl", 1);
    // bos 1, eos 2, pad 0; prompt tokens in the 10s, response tokens in the 20s
    private static final TokenizedExample A = new TokenizedExample(AT, new int[]{1, 10, 11, 20, 21, 2}, 3, true);
    private static final TokenizedExample B = new TokenizedExample(AT, new int[]{1, 10, 20, 2}, 2, true);

    @Test
    void labelsAreTheNextTokenAndPaddingIsMasked() {
        SftBatch b = new SftCollator(0, BatchParams.defaults()).collate(List.of(A, B));
        assertEquals(2, b.rows());
        assertEquals(5, b.length()); // the longest example has 6 tokens: 5 inputs, 5 labels
        assertArrayEquals(new int[]{
                1, 10, 11, 20, 21,
                1, 10, 20, 0, 0}, b.inputIds());
        assertArrayEquals(new int[]{
                10, 11, 20, 21, 2,
                10, 20, 2, 0, 0}, b.labels());
        // 1 exactly where the label is a response token or the eos
        assertArrayEquals(new int[]{
                0, 0, 1, 1, 1,
                0, 1, 1, 0, 0}, b.lossMask());
        assertArrayEquals(new int[]{
                1, 1, 1, 1, 1,
                1, 1, 1, 0, 0}, b.attentionMask());
        assertEquals(5, b.lossTokens());
        assertEquals(0, b.truncatedRows());
        assertArrayEquals(new int[]{10, 20, 2, 0, 0}, b.row(b.labels(), 1));
    }

    @Test
    void paddingToAFixedLength() {
        SftBatch b = new SftCollator(7, new BatchParams(6, true)).collate(List.of(B));
        assertEquals(6, b.length());
        assertArrayEquals(new int[]{1, 10, 20, 7, 7, 7}, b.inputIds());
        assertArrayEquals(new int[]{10, 20, 2, 7, 7, 7}, b.labels());
        assertArrayEquals(new int[]{0, 1, 1, 0, 0, 0}, b.lossMask());
        assertArrayEquals(new int[]{1, 1, 1, 0, 0, 0}, b.attentionMask());
    }

    @Test
    void truncationCutsThePromptFromTheLeftFirst() {
        TokenizedExample long_ = new TokenizedExample(AT, new int[]{1, 11, 12, 13, 14, 21, 22, 2}, 5, true);
        assertSame(long_, long_.truncated(8));
        assertEquals(new TokenizedExample(AT, new int[]{1, 13, 14, 21, 22, 2}, 3, true), long_.truncated(6));
        assertEquals(new TokenizedExample(AT, new int[]{1, 21, 22, 2}, 1, true), long_.truncated(4));
        // the prompt is down to the bos: now the response goes, eos first, then from its end
        assertEquals(new TokenizedExample(AT, new int[]{1, 21, 22}, 1, true), long_.truncated(3));
        assertEquals(new TokenizedExample(AT, new int[]{1, 21}, 1, true), long_.truncated(2));
        assertThrows(IllegalArgumentException.class, () -> long_.truncated(1));

        // without a bos, the last prompt token stays so that the first response token is still predicted
        TokenizedExample noBos = new TokenizedExample(AT, new int[]{11, 12, 13, 21, 2}, 3, false);
        assertEquals(new TokenizedExample(AT, new int[]{12, 13, 21, 2}, 2, false), noBos.truncated(4));
        assertEquals(new TokenizedExample(AT, new int[]{13, 21, 2}, 1, false), noBos.truncated(3));
        assertEquals(new TokenizedExample(AT, new int[]{13, 21}, 1, false), noBos.truncated(2));
    }

    @Test
    void batchesTruncateToMaxLengthAndCountTheRows() {
        SftBatch b = new SftCollator(0, new BatchParams(3, false)).collate(List.of(A, B));
        // A (6 tokens) is cut to 4: its two prompt tokens go; B (4 tokens) fits
        assertEquals(3, b.length());
        assertArrayEquals(new int[]{1, 20, 21, 1, 10, 20}, b.inputIds());
        assertArrayEquals(new int[]{20, 21, 2, 10, 20, 2}, b.labels());
        assertArrayEquals(new int[]{1, 1, 1, 0, 1, 1}, b.lossMask());
        assertArrayEquals(new int[]{1, 1, 1, 1, 1, 1}, b.attentionMask());
        assertEquals(1, b.truncatedRows());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SftCollator(0, BatchParams.defaults()).collate(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new BatchParams(0, false));
        assertThrows(IllegalArgumentException.class, () -> new SftCollator(-1, BatchParams.defaults()));
        assertThrows(IllegalArgumentException.class, () -> new TokenizedExample(AT, new int[]{1, 2}, 2, true));
        assertThrows(IllegalArgumentException.class, () -> new TokenizedExample(AT, new int[]{1, 2}, 0, false));
    }
}
