package ai.cpift.model.eval;

import ai.cpift.model.llama.GreedyDecoder;
import ai.cpift.model.llama.LlamaModel;
import ai.cpift.model.llama.TinyModels;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchGreedyTest {
    @Test
    void eachRowOfABatchIsWhatDecodingItAloneGives() {
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.random(TinyModels.gqa(false), m, 11);
            int[][] prompts = {{1, 5, 9, 4}, {1, 30, 2, 2}, {7, 7, 7, 7}, {1, 22, 39, 0}};
            int maxNew = 12;
            List<BatchGreedy.Generation> free = BatchGreedy.generate(model, m, prompts, maxNew, -1); // no eos: runs to the limit
            free.forEach(g -> assertEquals(maxNew, g.tokens().length));
            boolean someStopped = false;
            // eos ids the rows do produce, so that rows stop at different steps and one finished row keeps being fed
            for (int eos : new int[]{free.get(0).tokens()[2], free.get(1).tokens()[6], 3}) {
                List<BatchGreedy.Generation> batch = BatchGreedy.generate(model, m, prompts, maxNew, eos);
                for (int r = 0; r < prompts.length; r++) {
                    long[] alone = GreedyDecoder.generate(model, m, Arrays.stream(prompts[r]).asLongStream().toArray(), maxNew,
                            Set.of((long) eos));
                    boolean stopped = alone.length > 0 && alone[alone.length - 1] == eos;
                    long[] expected = stopped ? Arrays.copyOf(alone, alone.length - 1) : alone;
                    assertArrayEquals(expected, Arrays.stream(batch.get(r).tokens()).asLongStream().toArray(), "row " + r + " eos " + eos);
                    assertEquals(stopped, batch.get(r).stoppedAtEos());
                    someStopped |= stopped;
                }
            }
            assertTrue(someStopped, "no row reached an eos: the test does not cover stopping");
            assertThrows(IllegalArgumentException.class, () -> BatchGreedy.generate(model, m, new int[][]{{1, 2}, {1}}, 3, 2));
        }
    }
}
