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
    /** Histogram of the high 16 bits of every candidate's Δ, kept as they arrive. */
    final long[] high = new long[1 << 16];

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
        high[b >>> 16]++;
        return true;
    }

    long size() {
        return size;
    }

    /** Number of pages in use; candidates are read page by page for speed. */
    int pages() {
        return indexPages.size();
    }

    long[] indexPage(int p) {
        return indexPages.get(p);
    }

    int[] bitPage(int p) {
        return bitPages.get(p);
    }

    /** Candidates on page p. */
    int pageSize(int p) {
        return (int) Math.min(PAGE, size - (long) p * PAGE);
    }
}
