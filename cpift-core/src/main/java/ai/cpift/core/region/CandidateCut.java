package ai.cpift.core.region;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The exact top k among the candidates of the one-scan path. The candidates hold every element
 * with Δ ≥ L for some L at or below the k-th largest Δ of the model, so the k-th largest
 * candidate is the k-th largest element: a radix select over the candidates (high 16 bits were
 * counted as they arrived, low 16 bits within the one bucket here) gives the threshold T, and the
 * ties at T are taken by the lowest global index.
 */
final class CandidateCut {
    private CandidateCut() {
    }

    static Selection select(Layout layout, List<Candidates> lists, long k, int threads) {
        long[] hi = new long[1 << 16];
        for (Candidates l : lists) {
            for (int i = 0; i < hi.length; i++) {
                hi[i] += l.high[i];
            }
        }
        Cut cut = Cut.find(hi, k);
        long[] lo = new long[1 << 16];
        for (Candidates l : lists) {
            for (int p = 0; p < l.pages(); p++) {
                int[] bits = l.bitPage(p);
                for (int i = 0, n = l.pageSize(p); i < n; i++) {
                    if ((bits[i] >>> 16) == cut.bucket()) {
                        lo[bits[i] & 0xFFFF]++;
                    }
                }
            }
        }
        Cut fine = Cut.find(lo, k - cut.above());
        int t = (cut.bucket() << 16) | fine.bucket();
        long needTies = k - cut.above() - fine.above();
        long cutoff = needTies < lo[fine.bucket()] ? tieCutoff(lists, t, (int) lo[fine.bucket()], needTies) : Long.MAX_VALUE;
        List<Map<Integer, RoaringBitmap>> parts = ChunkRunner.run(threads, lists.size(), java.util.HashMap::new,
                (out, i) -> {
                    mark(layout, lists.get(i), t, cutoff, out);
                    return true;
                }, null);
        return new Selection(k, t, Bitmaps.merge(layout, parts), true);
    }

    /** The global index of the last tie to take: ties are taken in ascending index order. */
    private static long tieCutoff(List<Candidates> lists, int t, int ties, long need) {
        long[] idx = new long[ties];
        int n = 0;
        for (Candidates l : lists) {
            for (int p = 0; p < l.pages(); p++) {
                int[] bits = l.bitPage(p);
                long[] ix = l.indexPage(p);
                for (int i = 0, m = l.pageSize(p); i < m; i++) {
                    if (bits[i] == t) {
                        idx[n++] = ix[i];
                    }
                }
            }
        }
        Arrays.sort(idx);
        return idx[(int) need - 1];
    }

    /** Adds one thread's selected candidates (ascending) to per-range bitmaps, a run at a time. */
    private static void mark(Layout layout, Candidates l, int t, long cutoff, Map<Integer, RoaringBitmap> out) {
        int[] run = new int[4096];
        int n = 0;
        int r = -1;
        long end = -1;
        for (int p = 0; p < l.pages(); p++) {
            int[] bits = l.bitPage(p);
            long[] ix = l.indexPage(p);
            for (int i = 0, m = l.pageSize(p); i < m; i++) {
                int b = bits[i];
                long g = ix[i];
                if (b > t || (b == t && g <= cutoff)) {
                    if (g >= end || n == run.length) {
                        flush(out, r, run, n);
                        n = 0;
                        if (g >= end) {
                            r = layout.rangeOf(g);
                            end = layout.end(r);
                        }
                    }
                    run[n++] = (int) (g - layout.starts[r]);
                }
            }
        }
        flush(out, r, run, n);
    }

    private static void flush(Map<Integer, RoaringBitmap> out, int r, int[] run, int n) {
        if (n > 0) {
            out.computeIfAbsent(r, x -> new RoaringBitmap()).addN(run, 0, n);
        }
    }
}
