package ai.cpift.core.region;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread's list of (global index, Δ bits) pairs, in ascending global order, stored in
 * fixed-size pages so it never copies. All threads' lists draw on one shared budget; when it is
 * spent {@link #add} refuses and the caller falls back to the radix passes.
 */
final class Candidates implements DeltaKernel.Sink {
    static final int PAGE = 1 << 16;
    static final long BYTES_PER_CANDIDATE = 12;

    private final AtomicLong budget;
    private final List<long[]> indexPages = new ArrayList<>();
    private final List<int[]> bitPages = new ArrayList<>();
    private long[] idx;
    private int[] bits;
    private int fill = PAGE;
    private long size;

    /** @param budget the shared number of candidates still allowed, decremented a page at a time */
    Candidates(AtomicLong budget) {
        this.budget = budget;
    }

    @Override
    public boolean add(long global, int b) {
        if (fill == PAGE) {
            if (budget.addAndGet(-PAGE) < 0) {
                return false;
            }
            idx = new long[PAGE];
            bits = new int[PAGE];
            indexPages.add(idx);
            bitPages.add(bits);
            fill = 0;
        }
        idx[fill] = global;
        bits[fill] = b;
        fill++;
        size++;
        return true;
    }

    long size() {
        return size;
    }

    long index(long i) {
        return indexPages.get((int) (i / PAGE))[(int) (i % PAGE)];
    }

    int bits(long i) {
        return bitPages.get((int) (i / PAGE))[(int) (i % PAGE)];
    }

    /** Visits every candidate in order. */
    void forEach(Visitor v) {
        long left = size;
        for (int p = 0; p < indexPages.size() && left > 0; p++) {
            long[] ix = indexPages.get(p);
            int[] bt = bitPages.get(p);
            int n = (int) Math.min(PAGE, left);
            for (int i = 0; i < n; i++) {
                v.visit(ix[i], bt[i]);
            }
            left -= n;
        }
    }

    interface Visitor {
        void visit(long global, int bits);
    }
}
