package ai.cpift.core.region;

import org.roaringbitmap.RoaringBitmap;

import java.util.HashMap;
import java.util.Map;

/**
 * One scan thread's output on the one-scan path, which the sample splits at two values L ≤ H.
 * Elements with Δ above H are certainly in the core (unless the sample was badly wrong, which the
 * end checks); elements with Δ equal to H are the "boundary": bf16 weights make Δ take few
 * distinct values, and the core's threshold often sits in one huge group of such ties. Both go
 * into bitmaps at once, twice: {@link #atLeast} holds Δ ≥ H, {@link #above} holds Δ > H, so that
 * the end can take, container by container, either one whole (all ties in, or none) and only the
 * container where the ties run out needs a merge. Elements in [L, H) are kept as candidates for an
 * exact cut. Non-finite Δ are counted, never selected.
 *
 * <p>The kernel sorts each window into bit sets ({@link DeltaKernel#classify}) and the sets become
 * bitmap containers whole ({@link Containers#append}): no per-element call, no branch per hit.
 * A thread's chunks come in ascending order, so its containers of each tensor are appended in key order.
 */
final class ScanSink {
    final DeltaKernel.Scratch scratch;
    final Candidates window;
    final Map<Integer, RoaringBitmap> above = new HashMap<>();
    final Map<Integer, RoaringBitmap> atLeast = new HashMap<>();
    private final int low;
    private final int high;
    private final long[] gt = new long[Window.BYTES / 64];
    private final long[] ge = new long[Window.BYTES / 64];
    private final long[] mid = new long[Window.BYTES / 64];
    long aboveCount;
    long boundaryCount;
    long nonFinite;
    long firstNonFinite = Long.MAX_VALUE;

    ScanSink(DeltaKernel.Scratch scratch, Candidates window, int low, int high) {
        this.scratch = scratch;
        this.window = window;
        this.low = low;
        this.high = high;
    }

    /**
     * Scans elements [from, to) of range {@code r} (number {@code ri} of the layout); {@code from}
     * is a multiple of 65,536.
     *
     * @return false when the window candidates outgrew the budget
     */
    boolean scan(DeltaKernel kernel, DeltaRange r, int ri, long from, long to) {
        long span = Window.span(r);
        for (long p = from; p < to; p += span) {
            DeltaRange w = scratch.window.load(r, p, Math.min(to, p + span));
            if (kernel.classify(w, low, high, scratch, gt, ge, mid)) {
                countNonFinite(kernel, w);
            }
            long gtCount = Containers.append(above.computeIfAbsent(ri, x -> new RoaringBitmap()), p, gt, w.numel());
            long geCount = Containers.append(atLeast.computeIfAbsent(ri, x -> new RoaringBitmap()), p, ge, w.numel());
            aboveCount += gtCount;
            boundaryCount += geCount - gtCount;
            if (!candidates(w, mid)) {
                return false;
            }
        }
        return true;
    }

    /** Hands the window's elements in [L, H) with their Δ bits to the candidate list, in order. */
    private boolean candidates(DeltaRange w, long[] set) {
        int words = (int) ((w.numel() + 63) >>> 6);
        for (int i = 0; i < words; i++) {
            for (long bitsLeft = set[i]; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
                long e = ((long) i << 6) + Long.numberOfTrailingZeros(bitsLeft);
                if (!window.add(w.globalStart() + e, DeltaKernel.deltaBits(w, e))) {
                    return false;
                }
            }
        }
        return true;
    }

    private void countNonFinite(DeltaKernel kernel, DeltaRange w) {
        kernel.collect(w, 0, w.numel(), DeltaKernel.NON_FINITE, scratch, (g, bits) -> {
            nonFinite++;
            firstNonFinite = Math.min(firstNonFinite, g);
            return true;
        });
    }
}
