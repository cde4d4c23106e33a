package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Set;

/** Greedy (argmax) continuation of one prompt with the KV cache: one prefill, then a token per step. */
public final class GreedyDecoder {
    private GreedyDecoder() {
    }

    /**
     * Up to {@code maxNew} tokens after {@code prompt}, ending early after the first token in
     * {@code stop} (which is included).
     */
    public static long[] generate(LlamaModel model, NDManager manager, long[] prompt, int maxNew, Set<Long> stop) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        long[] out = new long[maxNew];
        int n = 0;
        try (KvCache cache = model.newCache(manager)) {
            long[] feed = prompt;
            while (n < maxNew) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray logits = model.logits(step.create(feed, new Shape(1, feed.length)), cache); // [1, T, vocab]
                    out[n] = logits.get(0, feed.length - 1).argMax().getLong();
                }
                if (stop.contains(out[n++])) {
                    break;
                }
                feed = new long[]{out[n - 1]};
            }
        }
        return Arrays.copyOf(out, n);
    }
}
