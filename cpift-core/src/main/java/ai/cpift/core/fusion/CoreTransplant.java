package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import org.roaringbitmap.BatchIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The core rule of one tensor: an element in Ci takes θi's value; where several cores hold it,
 * the task with the largest |θi − θ0| (float32) wins, the first task in the given order on an
 * exact tie. Base values are needed only for contested elements; they are read with positional
 * reads into the thread's base window ({@link FusionScratch#baseWindow}), which holds the
 * elements from the first one asked for on, since contested elements are asked for in increasing
 * order within a chunk.
 */
final class CoreTransplant {
    private final TensorInfo base;
    private final Checkpoint baseSource;
    private final List<ImmutableRoaringBitmap> cores;
    private final boolean pairs;
    private final int n;

    CoreTransplant(TensorInfo base, Checkpoint baseSource, List<ImmutableRoaringBitmap> cores, boolean pairs) {
        this.base = base;
        this.baseSource = baseSource;
        this.cores = cores;
        this.pairs = pairs;
        this.n = cores.size();
    }

    /** Loads every task's core indices within [start, end) into the scratch, as offsets from start, and rewinds the cursors. */
    void startChunk(long start, long end, FusionScratch s) {
        for (int j = 0; j < n; j++) {
            s.count[j] = coreIndices(j, start, end, s);
            s.cursor[j] = 0;
        }
    }

    private int coreIndices(int j, long start, long end, FusionScratch s) {
        ImmutableRoaringBitmap bitmap = cores.get(j);
        if (bitmap.isEmpty()) {
            return 0;
        }
        BatchIterator it = bitmap.getBatchIterator();
        it.advanceIfNeeded((int) start);
        int count = 0;
        while (it.hasNext()) {
            int m = it.nextBatch(s.batch);
            for (int i = 0; i < m; i++) {
                long e = Integer.toUnsignedLong(s.batch[i]);
                if (e >= end) {
                    return count;
                }
                if (count == s.core[j].length) {
                    // grows to at most the chunk size: bounded by the chunk, not the tensor
                    s.core[j] = Arrays.copyOf(s.core[j], (int) Math.min(end - start, 2L * count));
                }
                s.core[j][count++] = (int) (e - start);
            }
        }
        return count;
    }

    /**
     * Overwrites the core elements of the block at {@code b} ({@code blockOffset} into the chunk) in
     * {@code s.o} with the owner's value, from the decoded blocks {@code s.x}. Tasks are visited in
     * the order given; a later task takes an element from the current owner only with a strictly
     * larger |θi − θ0|, so an exact tie stays with the first.
     *
     * <p>First claims are made in one sweep that records every later claim; the base values of the
     * contested elements are then read together (independent loads, so their cache misses overlap)
     * and the claims replayed in the recorded order, which decides exactly as the sweep would.
     * {@code owner[p]} is 0 for no core, else task+1, negated once contested; it is all zero
     * between blocks (only touched entries are reset).
     *
     * @param stats incremented: elements transplanted per task (N entries), then newly contested elements
     */
    void apply(long b, int len, int blockOffset, FusionScratch s, long[] stats) {
        int end = blockOffset + len;
        int touched = 0;
        int contested = 0;
        int newlyContested = 0;
        int[] owner = s.owner;
        float[] o = s.o;
        for (int j = 0; j < n; j++) {
            int[] core = s.core[j];
            float[] xj = s.x[j];
            int i = s.cursor[j];
            // No data-dependent branches: whether an element is already claimed is unpredictable
            // where cores overlap, and mispredictions would dominate this loop.
            for (int limit = s.count[j]; i < limit && core[i] < end; i++) {
                int k = core[i] - blockOffset;
                int p = BlockCodec.position(pairs, k, len);
                int prev = owner[p];
                int first = prev == 0 ? 1 : 0;
                o[p] = first == 1 ? xj[p] : o[p];
                owner[p] = first == 1 ? j + 1 : -Math.abs(prev);
                s.touched[touched] = p;
                touched += first;
                s.claimAt[contested] = k;
                s.claimBy[contested] = j;
                contested += 1 - first;
                newlyContested += prev > 0 ? 1 : 0;
            }
            s.cursor[j] = i;
        }
        stats[n] += newlyContested;
        for (int c = 0; c < contested; c++) {
            s.theta0[c] = baseElement(b + s.claimAt[c], s);
        }
        for (int c = 0; c < contested; c++) {
            int p = BlockCodec.position(pairs, s.claimAt[c], len);
            int j = s.claimBy[c];
            int holder = -owner[p] - 1;
            float theta0 = s.theta0[c];
            if (Math.abs(s.x[j][p] - theta0) > Math.abs(s.x[holder][p] - theta0)) {
                o[p] = s.x[j][p];
                owner[p] = -(j + 1);
            }
        }
        for (int t = 0; t < touched; t++) {
            int p = s.touched[t];
            stats[Math.abs(owner[p]) - 1]++;
            owner[p] = 0;
        }
    }

    /**
     * {@link #apply} for a BF16 output of BF16 tasks, in place: the merged values of the block at
     * {@code b} are already in {@code out} from element {@code at} on, and each core element gets
     * its owner's BF16 bits, read from the task windows {@code tasks}, where the block starts at
     * element {@code from}. The owner is decided as in {@link #apply}, on the same float32 values;
     * the tasks are finite (the Gram pass checked), and a finite BF16 value is its own rounding, so
     * the bits are what {@link #apply} followed by the encoding would write.
     *
     * <p>First every task copies its core elements, in task order, and marks them in a bitmap of
     * the block; an element held by one core is then done. The elements held by two or more (the
     * bitmaps give them by word operations) are then decided: the owner is the first task, in the
     * given order, with the largest |θi − θ0|, which is what visiting the tasks in order and
     * taking an element only on a strictly larger |θi − θ0| gives. Per task, the elements
     * transplanted are its core elements less the contests it lost.
     */
    void applyBf16(long b, int len, int blockOffset, MemorySegment[] tasks, long from, MemorySegment out, long at, FusionScratch s,
                   long[] stats) {
        int end = blockOffset + len;
        int words = (len + 63) >>> 6;
        long[][] marks = s.marks;
        for (int j = 0; j < n; j++) {
            long[] mine = marks[j];
            Arrays.fill(mine, 0, words, 0L);
            int[] core = s.core[j];
            MemorySegment t = tasks[j];
            int i = s.cursor[j];
            int first = i;
            for (int limit = s.count[j]; i < limit && core[i] < end; i++) {
                int k = core[i] - blockOffset;
                out.set(FloatCodec.LE_SHORT, 2 * (at + k), t.get(FloatCodec.LE_SHORT, 2 * (from + k)));
                mine[k >>> 6] |= 1L << k;
            }
            stats[j] += i - first;
            s.cursor[j] = i;
        }
        if (n == 1) {
            return;
        }
        int[] contested = s.claimAt;
        int count = 0;
        for (int w = 0; w < words; w++) {
            long once = marks[0][w];
            long twice = 0;
            for (int j = 1; j < n; j++) {
                twice |= once & marks[j][w];
                once |= marks[j][w];
            }
            while (twice != 0) {
                contested[count++] = (w << 6) + Long.numberOfTrailingZeros(twice);
                twice &= twice - 1;
            }
        }
        stats[n] += count;
        float[] theta0 = s.theta0;
        for (int c = 0; c < count; c++) {
            theta0[c] = baseElement(b + contested[c], s);
        }
        for (int c = 0; c < count; c++) {
            int k = contested[c];
            long e = from + k;
            int owner = -1;
            float best = 0;
            for (int j = 0; j < n; j++) {
                if ((marks[j][k >>> 6] & 1L << k) != 0) {
                    float d = Math.abs(bf16(tasks[j], e) - theta0[c]);
                    if (owner < 0 || d > best) {
                        owner = j;
                        best = d;
                    }
                    stats[j]--;
                }
            }
            stats[owner]++;
            out.set(FloatCodec.LE_SHORT, 2 * (at + k), tasks[owner].get(FloatCodec.LE_SHORT, 2 * e));
        }
    }

    private static float bf16(MemorySegment s, long e) {
        return Float.intBitsToFloat(s.get(FloatCodec.LE_SHORT, 2 * e) << 16);
    }

    /** Element e of θ0 as float32, from the thread's base window (read again when it does not hold e). */
    private float baseElement(long e, FusionScratch s) {
        if (s.baseOf != this || e < s.baseFrom || e >= s.baseTo) {
            loadBase(e, s);
        }
        return FloatCodec.decodeOne(base.dtype(), s.baseIn, e - s.baseFrom);
    }

    private void loadBase(long e, FusionScratch s) {
        long to = Math.min(base.numel(), e + TaskWindows.WINDOW_BYTES / base.dtype().byteSize());
        TaskWindows.read(baseSource, base, e, to - e, s.baseWindow);
        s.baseOf = this;
        s.baseFrom = e;
        s.baseTo = to;
    }
}
