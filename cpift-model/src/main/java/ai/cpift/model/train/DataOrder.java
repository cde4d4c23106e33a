package ai.cpift.model.train;

import ai.cpift.model.data.Shuffle;

import java.util.ArrayList;
import java.util.List;

/**
 * The order examples are trained in, a pure function of the seed and the step: an endless stream
 * made of epochs, epoch {@code e} a permutation of all examples drawn with
 * {@code Shuffle.permutation(n, Shuffle.derive(seed, e))}, and step {@code s} taking stream
 * positions {@code [s·B, (s+1)·B)} (a step may straddle two epochs). A resumed run therefore needs
 * only the step to continue the same sequence.
 */
public final class DataOrder<T> {
    private final List<T> items;
    private final int batchSize;
    private final long seed;
    private long epoch = -1;
    private int[] permutation;

    public DataOrder(List<T> items, int batchSize, long seed) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no examples to train on");
        }
        this.items = List.copyOf(items);
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** The examples of optimizer step {@code step} (0-based), in order. */
    public List<T> batch(long step) {
        List<T> out = new ArrayList<>(batchSize);
        long n = items.size();
        for (long pos = step * batchSize; pos < (step + 1) * batchSize; pos++) {
            long e = pos / n;
            if (e != epoch) {
                permutation = Shuffle.permutation(items.size(), Shuffle.derive(seed, e));
                epoch = e;
            }
            out.add(items.get(permutation[(int) (pos % n)]));
        }
        return out;
    }

    /** Examples consumed before step {@code step}. */
    public long examplesBefore(long step) {
        return step * batchSize;
    }

    public int size() {
        return items.size();
    }
}
