package ai.cpift.model.eval;

import ai.cpift.model.llama.KvCache;
import ai.cpift.model.llama.LlamaModel;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy (argmax) continuation of several prompts at once, with the KV cache: one prefill of all
 * of them, then one token per row per step, until every row has produced an eos or the limit.
 *
 * <p>The prompts of one call must have the same length. The decoder's attention has one causal
 * mask for the whole batch and positions shared by all rows, so prompts of different lengths would
 * need padding that the model cannot mask per row; {@link Evaluator} therefore groups prompts by
 * length. No row ever sees padding, so each row's tokens are exactly those of decoding it alone
 * (up to the float rounding of a different matrix shape). A row that has finished keeps being fed
 * its own argmax until the others are done; what it produces then is discarded.
 */
public final class BatchGreedy {
    private BatchGreedy() {
    }

    /**
     * The continuations of {@code prompts} (all the same length, at least 1), each ending before its
     * first {@code eos} (which is not included) or after {@code maxNew} tokens.
     *
     * @return per row the generated ids and whether it stopped at an eos
     */
    public static List<Generation> generate(LlamaModel model, NDManager manager, int[][] prompts, int maxNew, int eos) {
        int rows = prompts.length;
        int length = prompts[0].length;
        long[] feed = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            if (prompts[r].length != length || length == 0) {
                throw new IllegalArgumentException("prompts of one batch must have the same, non-zero length");
            }
            for (int t = 0; t < length; t++) {
                feed[r * length + t] = prompts[r][t];
            }
        }
        int[][] out = new int[rows][maxNew];
        int[] produced = new int[rows];
        boolean[] stopped = new boolean[rows];
        int open = rows;
        try (KvCache cache = model.newCache(manager)) {
            int width = length;
            for (int n = 0; n < maxNew && open > 0; n++) {
                long[] next;
                try (NDManager step = manager.newSubManager()) {
                    NDArray logits = model.logits(step.create(feed, new Shape(rows, width)), cache); // [rows, width, vocab]
                    next = logits.get(":, -1, :").argMax(1).toLongArray(); // [rows]
                }
                for (int r = 0; r < rows; r++) {
                    if (!stopped[r]) {
                        if (next[r] == eos) {
                            stopped[r] = true;
                            open--;
                        } else {
                            out[r][produced[r]++] = (int) next[r];
                        }
                    }
                }
                feed = next;
                width = 1;
            }
        }
        List<Generation> result = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            result.add(new Generation(Arrays.copyOf(out[r], produced[r]), stopped[r]));
        }
        return result;
    }

    /**
     * @param tokens    the generated ids, without the eos
     * @param stoppedAtEos whether generation ended with an eos (false: it hit the limit)
     */
    public record Generation(int[] tokens, boolean stoppedAtEos) {
    }
}
