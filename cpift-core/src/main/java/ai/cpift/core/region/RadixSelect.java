package ai.cpift.core.region;

import ai.cpift.core.progress.ProgressListener;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exact top k in 256 KiB of working memory, by radix select over the bits of Δ:
 * (1) a histogram of the high 16 bits gives the bucket holding the k-th largest; (2) a histogram
 * of the low 16 bits within that bucket gives the exact threshold T and how many elements equal
 * to T are needed; (3) one scan marks every element above T and counts the ties per chunk;
 * (4) the needed ties are taken chunk by chunk in global order, so the lowest indices win.
 */
final class RadixSelect {
    private final DeltaKernel kernel;
    private final int threads;
    private final ProgressListener progress;

    RadixSelect(DeltaKernel kernel, int threads, ProgressListener progress) {
        this.kernel = kernel;
        this.threads = threads;
        this.progress = progress;
    }

    Selection select(Layout layout, long k, Map<String, Double> seconds) throws NonFiniteWeightException {
        long t0 = System.nanoTime();
        long[] hi = histogram(layout, 16, 0, "radix pass 1/4");
        NonFinite.check(layout, hi, () -> NonFinite.firstByScan(kernel, layout));
        Cut cut = Cut.find(hi, k);
        long[] lo = histogram(layout, 0, cut.bucket(), "radix pass 2/4");
        Cut fine = Cut.find(lo, k - cut.above());
        int t = (cut.bucket() << 16) | fine.bucket();
        long needTies = k - cut.above() - fine.above();
        long[] tiesPerChunk = new long[layout.chunks.size()];
        AtomicLong done = new AtomicLong();
        List<Map<Integer, RoaringBitmap>> parts = new ArrayList<>(ChunkRunner.run(threads, layout.chunks.size(), Mark::new,
                (mark, c) -> {
                    Layout.Chunk ch = layout.chunks.get(c);
                    DeltaRange r = layout.ranges.get(ch.range());
                    RoaringBitmap bm = mark.out.computeIfAbsent(ch.range(), x -> new RoaringBitmap());
                    long[] ties = {0};
                    mark.scratch.window.collect(kernel, r, ch.from(), ch.to(), t, mark.scratch, (g, b) -> {
                        if (b > t) {
                            bm.add((int) (g - r.globalStart()));
                        } else {
                            ties[0]++;
                        }
                        return true;
                    });
                    tiesPerChunk[c] = ties[0];
                    progress.progress("radix pass 3/4", done.addAndGet(ch.size()), layout.total);
                    return true;
                }, null).stream().map(m -> m.out).toList());
        parts.add(takeTies(layout, t, needTies, tiesPerChunk));
        Map<String, RoaringBitmap> bitmaps = Bitmaps.merge(layout, parts, threads);
        seconds.put("radix passes", (System.nanoTime() - t0) / 1e9);
        return new Selection(k, t, bitmaps, false, seconds);
    }

    private Map<Integer, RoaringBitmap> takeTies(Layout layout, int t, long need, long[] tiesPerChunk) {
        Map<Integer, RoaringBitmap> tied = new HashMap<>();
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        for (int c = 0; c < layout.chunks.size() && need > 0; c++) {
            if (tiesPerChunk[c] == 0) {
                continue;
            }
            Layout.Chunk ch = layout.chunks.get(c);
            DeltaRange r = layout.ranges.get(ch.range());
            RoaringBitmap bm = tied.computeIfAbsent(ch.range(), x -> new RoaringBitmap());
            long[] left = {need};
            s.window.collect(kernel, r, ch.from(), ch.to(), t, s, (g, b) -> {
                if (b == t) {
                    bm.add((int) (g - r.globalStart()));
                    left[0]--;
                }
                return left[0] > 0;
            });
            need = left[0];
        }
        return tied;
    }

    private static final class Mark {
        final DeltaKernel.Scratch scratch = new DeltaKernel.Scratch();
        final Map<Integer, RoaringBitmap> out = new HashMap<>();
    }

    private long[] histogram(Layout layout, int shift, int prefix, String phase) {
        AtomicLong done = new AtomicLong();
        List<Hist> hs = ChunkRunner.run(threads, layout.chunks.size(), Hist::new, (h, c) -> {
            Layout.Chunk ch = layout.chunks.get(c);
            h.scratch.window.histogram(kernel, layout.ranges.get(ch.range()), ch.from(), ch.to(), shift, prefix, h.scratch, h.counts);
            progress.progress(phase, done.addAndGet(ch.size()), layout.total);
            return true;
        }, null);
        long[] sum = new long[1 << 16];
        for (Hist h : hs) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += h.counts[i];
            }
        }
        return sum;
    }

    private static final class Hist {
        final DeltaKernel.Scratch scratch = new DeltaKernel.Scratch();
        final long[] counts = new long[1 << 16];
    }
}
