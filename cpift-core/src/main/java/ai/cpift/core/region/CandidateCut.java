package ai.cpift.core.region;

import org.roaringbitmap.Container;
import org.roaringbitmap.ContainerPointer;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end of the one-scan path. The threads hold, in bitmaps, every element with Δ above H
 * (A of them, A &lt; k) and every element with Δ at least H (A + B of them); the window candidates
 * hold every element in [L, H). If A + B ≥ k the core's threshold is H itself and its k − A ties
 * are the boundary elements with the lowest global indices. Otherwise every boundary element is
 * in, and the k − A − B largest window candidates complete the core: a radix select over the
 * window (high 16 bits counted as candidates arrived, low 16 bits within the one bucket here)
 * gives the threshold T, and ties at T are taken by the lowest global index.
 */
final class CandidateCut {
    private CandidateCut() {
    }

    static Selection select(Layout layout, List<ScanSink> sinks, long k, long above, long boundary, int high, int threads,
                            Map<String, Double> seconds) {
        long t0 = System.nanoTime();
        if (above + boundary >= k) {
            // The threshold is H: no cut to find, the ties are taken while the bitmaps are built.
            Map<String, RoaringBitmap> bitmaps = takeTies(layout, sinks, k - above);
            seconds.put("bitmaps", (System.nanoTime() - t0) / 1e9);
            return new Selection(k, high, bitmaps, true, seconds);
        }
        List<Map<Integer, RoaringBitmap>> parts = new ArrayList<>();
        sinks.forEach(s -> parts.add(s.atLeast));
        int threshold = cutWindow(layout, sinks, k - above - boundary, threads, parts);
        long t1 = System.nanoTime();
        seconds.put("cut", (t1 - t0) / 1e9);
        Map<String, RoaringBitmap> bitmaps = Bitmaps.merge(layout, parts, threads);
        seconds.put("bitmaps", (System.nanoTime() - t1) / 1e9);
        return new Selection(k, threshold, bitmaps, true, seconds);
    }

    /**
     * The core when its threshold is H and {@code need} of the ties are in: tensor by tensor in
     * global order, each container of Δ ≥ H whole while all its ties are needed, the container where
     * they run out cut after its last needed tie, and the containers of Δ &gt; H after it. Only that
     * one container is computed; all others are taken as the scan made them.
     */
    private static Map<String, RoaringBitmap> takeTies(Layout layout, List<ScanSink> sinks, long need) {
        Map<String, RoaringBitmap> out = new TreeMap<>();
        long left = need;
        for (int r = 0; r < layout.ranges.size(); r++) {
            RoaringBitmap atLeast = join(sinks, s -> s.atLeast, r);
            RoaringBitmap above = join(sinks, s -> s.above, r);
            RoaringBitmap core = new RoaringBitmap();
            ContainerPointer ge = atLeast.getContainerPointer();
            ContainerPointer gt = above.getContainerPointer();
            for (; ge.getContainer() != null; ge.advance()) {
                // Every element above H is at least H: each key of the first is a key of the second.
                Container all = ge.getContainer();
                Container over = gt.getContainer() != null && gt.key() == ge.key() ? gt.getContainer() : null;
                if (over != null) {
                    gt.advance();
                }
                int ties = all.getCardinality() - (over == null ? 0 : over.getCardinality());
                Container take;
                if (left >= ties) {
                    take = all;
                    left -= ties;
                } else if (left == 0) {
                    take = over;
                } else {
                    Container tied = over == null ? all : all.andNot(over);
                    Container kept = tied.remove(tied.select((int) left - 1) + 1, 1 << 16);
                    take = over == null ? kept : over.or(kept);
                    left = 0;
                }
                if (take != null && !take.isEmpty()) {
                    core.append(ge.key(), take);
                }
            }
            if (!core.isEmpty()) {
                out.put(layout.ranges.get(r).name(), core);
            }
        }
        if (left > 0) {
            throw new IllegalStateException("fewer ties than counted");
        }
        return out;
    }

    /** The threads' bitmaps of range r joined: each thread's chunks, and so its containers, are its own. */
    private static RoaringBitmap join(List<ScanSink> sinks, java.util.function.Function<ScanSink, Map<Integer, RoaringBitmap>> of, int r) {
        List<RoaringBitmap> parts = new ArrayList<>();
        for (ScanSink s : sinks) {
            RoaringBitmap b = of.apply(s).get(r);
            if (b != null && !b.isEmpty()) {
                parts.add(b);
            }
        }
        return parts.isEmpty() ? new RoaringBitmap() : Containers.union(parts);
    }

    /** Selects the {@code need} largest window candidates into {@code parts}; returns their threshold. */
    private static int cutWindow(Layout layout, List<ScanSink> sinks, long need, int threads, List<Map<Integer, RoaringBitmap>> parts) {
        List<Candidates> lists = sinks.stream().map(s -> s.window).toList();
        long[] hi = new long[1 << 16];
        for (Candidates l : lists) {
            for (int i = 0; i < hi.length; i++) {
                hi[i] += l.high[i];
            }
        }
        Cut cut = Cut.find(hi, need);
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
        Cut fine = Cut.find(lo, need - cut.above());
        int t = (cut.bucket() << 16) | fine.bucket();
        long needTies = need - cut.above() - fine.above();
        long cutoff = needTies < lo[fine.bucket()] ? tieCutoff(lists, t, needTies) : Long.MAX_VALUE;
        parts.addAll(ChunkRunner.run(threads, lists.size(), java.util.HashMap::new, (out, i) -> {
            mark(layout, lists.get(i), t, cutoff, out);
            return true;
        }, null));
        return t;
    }

    /**
     * The global index of the last tie to take: ties are taken in ascending index order. Each
     * thread's list is ascending, so a merge of the lists' ties finds the need-th smallest in one
     * walk, with no copy and no sort (bf16 Δ take few distinct values: ties can number millions).
     */
    private static long tieCutoff(List<Candidates> lists, int t, long need) {
        TieCursor[] cursors = lists.stream().map(l -> new TieCursor(l, t)).toArray(TieCursor[]::new);
        long last = -1;
        for (long taken = 0; taken < need; taken++) {
            TieCursor min = null;
            for (TieCursor c : cursors) {
                if (c.current >= 0 && (min == null || c.current < min.current)) {
                    min = c;
                }
            }
            if (min == null) {
                throw new IllegalStateException("fewer ties than counted");
            }
            last = min.current;
            min.advance();
        }
        return last;
    }

    /** Walks one list's candidates equal to t, in ascending global order. */
    private static final class TieCursor {
        private final Candidates list;
        private final int t;
        private int page;
        private int pos = -1;
        long current = -1;

        TieCursor(Candidates list, int t) {
            this.list = list;
            this.t = t;
            advance();
        }

        void advance() {
            current = -1;
            for (; page < list.pages(); page++, pos = -1) {
                int[] bits = list.bitPage(page);
                for (int n = list.pageSize(page); ++pos < n; ) {
                    if (bits[pos] == t) {
                        current = list.indexPage(page)[pos];
                        return;
                    }
                }
            }
        }
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
