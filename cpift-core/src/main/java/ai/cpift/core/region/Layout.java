package ai.cpift.core.region;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tensors of a selection in global order, cut into chunks that threads take one at a time.
 */
final class Layout {
    static final int CHUNK = 1 << 20;

    /** Elements [from, to) of range {@code range}. */
    record Chunk(int range, long from, long to) {
        long size() {
            return to - from;
        }
    }

    final List<DeltaRange> ranges;
    final long[] starts;
    final List<Chunk> chunks = new ArrayList<>();
    final long total;

    Layout(List<DeltaRange> ranges) {
        this.ranges = List.copyOf(ranges);
        this.starts = ranges.stream().mapToLong(DeltaRange::globalStart).toArray();
        long sum = 0;
        for (int r = 0; r < ranges.size(); r++) {
            DeltaRange d = ranges.get(r);
            if (d.numel() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("tensor '" + d.name() + "' has " + d.numel()
                        + " elements; masks index at most 2^32 elements per tensor");
            }
            for (long from = 0; from < d.numel(); from += CHUNK) {
                chunks.add(new Chunk(r, from, Math.min(d.numel(), from + CHUNK)));
            }
            sum += d.numel();
        }
        this.total = sum;
    }

    /** The range holding global index g (the last of several that start at g, skipping empty ones). */
    int rangeOf(long g) {
        int i = Arrays.binarySearch(starts, g);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < starts.length && starts[i + 1] == g) {
            i++;
        }
        return i;
    }

    /** The end (exclusive, global) of range r. */
    long end(int r) {
        return starts[r] + ranges.get(r).numel();
    }
}
