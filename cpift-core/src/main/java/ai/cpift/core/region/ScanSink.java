package ai.cpift.core.region;

import org.roaringbitmap.RoaringBitmap;

import java.util.HashMap;
import java.util.Map;

/**
 * One scan thread's output on the one-scan path, which the sample splits at two values L ≤ H.
 * Elements with Δ above H are certainly in the core (unless the sample was badly wrong, which the
 * end checks) and go straight into bitmaps; elements with Δ equal to H go into "boundary" bitmaps,
 * since bf16 weights make Δ take few distinct values and the core's threshold often sits in one
 * huge group of ties; elements in [L, H) are kept as candidates for an exact cut. Non-finite Δ
 * are counted, never selected.
 */
final class ScanSink implements DeltaKernel.Sink {
    final DeltaKernel.Scratch scratch = new DeltaKernel.Scratch();
    final Candidates window;
    final Map<Integer, RoaringBitmap> above = new HashMap<>();
    final Map<Integer, RoaringBitmap> boundary = new HashMap<>();
    private final int high;
    private final int[] aboveRun = new int[4096];
    private final int[] boundaryRun = new int[4096];
    private int aboveN;
    private int boundaryN;
    private int range = -1;
    private long rangeStart;
    long aboveCount;
    long boundaryCount;
    long nonFinite;
    long firstNonFinite = Long.MAX_VALUE;

    ScanSink(Candidates window, int high) {
        this.window = window;
        this.high = high;
    }

    /** Called before each chunk: later elements belong to range r starting at global index start. */
    void enter(int r, long start) {
        if (r != range) {
            flush();
            range = r;
            rangeStart = start;
        }
    }

    @Override
    public boolean add(long global, int bits) {
        if (bits >= DeltaKernel.NON_FINITE) {
            nonFinite++;
            firstNonFinite = Math.min(firstNonFinite, global);
        } else if (bits > high) {
            if (aboveN == aboveRun.length) {
                flush();
            }
            aboveRun[aboveN++] = (int) (global - rangeStart);
            aboveCount++;
        } else if (bits == high) {
            if (boundaryN == boundaryRun.length) {
                flush();
            }
            boundaryRun[boundaryN++] = (int) (global - rangeStart);
            boundaryCount++;
        } else {
            return window.add(global, bits);
        }
        return true;
    }

    /** Writes the pending runs into the range's bitmaps; call once more at the end. */
    void flush() {
        if (aboveN > 0) {
            above.computeIfAbsent(range, x -> new RoaringBitmap()).addN(aboveRun, 0, aboveN);
            aboveN = 0;
        }
        if (boundaryN > 0) {
            boundary.computeIfAbsent(range, x -> new RoaringBitmap()).addN(boundaryRun, 0, boundaryN);
            boundaryN = 0;
        }
    }
}
