package ai.cpift.core.region;

import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.tensor.FloatCodec;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exact k elements with the largest Δ over an ordered list of tensors, ties broken by the
 * lower global index, in bounded memory and without sorting or copying the model.
 *
 * <p>Fast path, one scan: a random sample of Δ gives a threshold L that is, with overwhelming
 * probability, below the k-th largest Δ while letting only a little more than k elements pass.
 * One vectorised scan keeps every element with Δ ≥ L (a candidate); if at least k passed, the
 * k-th largest of all is the k-th largest candidate, found by a radix select over the candidates
 * alone. The sample only decides the speed: whenever it misjudges (fewer than k candidates, or
 * more than the memory budget holds), the exact radix passes below decide instead.
 *
 * <p>Radix passes, 256 KiB of memory: (1) a histogram of the high 16 bits of Δ gives the bucket
 * holding the k-th largest; (2) a histogram of the low 16 bits within that bucket gives the exact
 * threshold T and how many elements equal to T are needed; (3) one scan marks every element above
 * T and counts the ties per chunk; (4) the needed ties are taken chunk by chunk in global order.
 */
final class TopKSelector {
    static final int CHUNK = 1 << 20;
    private static final int SAMPLES = 1 << 16;

    private final DeltaKernel kernel;
    private final int threads;
    private final long budgetCandidates;
    private final ProgressListener progress;

    TopKSelector(DeltaKernel kernel, int threads, long budgetBytes, ProgressListener progress) {
        this.kernel = kernel;
        this.threads = threads;
        this.budgetCandidates = budgetBytes / Candidates.BYTES_PER_CANDIDATE;
        this.progress = progress;
    }

    private record Chunk(int range, long from, long to) {
    }

    Selection select(List<DeltaRange> ranges, long k) throws NonFiniteWeightException {
        long total = ranges.stream().mapToLong(DeltaRange::numel).sum();
        if (k < 0 || k > total) {
            throw new IllegalArgumentException("k = " + k + " outside [0, " + total + "]");
        }
        if (k == 0) {
            return new Selection(0, -1, Map.of(), true);
        }
        List<Chunk> chunks = chunks(ranges);
        int threshold = fastThreshold(ranges, total, k);
        if (threshold >= 0) {
            Selection s = fromCandidates(ranges, chunks, k, threshold, total);
            if (s != null) {
                return s;
            }
        }
        return radix(ranges, chunks, k, total);
    }

    private static List<Chunk> chunks(List<DeltaRange> ranges) {
        List<Chunk> out = new ArrayList<>();
        for (int r = 0; r < ranges.size(); r++) {
            long n = ranges.get(r).numel();
            if (n > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("tensor '" + ranges.get(r).name() + "' has " + n
                        + " elements; masks index at most 2^32 per tensor");
            }
            for (long from = 0; from < n; from += CHUNK) {
                out.add(new Chunk(r, from, Math.min(n, from + CHUNK)));
            }
        }
        return out;
    }

    /** The candidate threshold for the fast path, or -1 when the fast path cannot fit the budget. */
    private int fastThreshold(List<DeltaRange> ranges, long total, long k) {
        long room = budgetCandidates * 3 / 4;
        if (total <= room) {
            return 0;
        }
        double q = (double) k / total;
        double mean = q * SAMPLES;
        int rank = (int) Math.ceil(mean + 4 * Math.sqrt(mean * (1 - q)) + 4);
        if (rank >= SAMPLES || (double) rank / SAMPLES * total > room) {
            return -1;
        }
        int[] sample = new int[SAMPLES];
        long[] starts = ranges.stream().mapToLong(DeltaRange::globalStart).toArray();
        SplittableRandom rnd = new SplittableRandom(0x5eed);
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        for (int i = 0; i < SAMPLES; i++) {
            long g = rnd.nextLong(total);
            DeltaRange r = ranges.get(rangeOf(starts, g));
            kernel.delta(r, g - r.globalStart(), 1, s);
            sample[i] = s.bits[0];
        }
        Arrays.sort(sample);
        return sample[SAMPLES - rank];
    }

    private static int rangeOf(long[] starts, long g) {
        int i = Arrays.binarySearch(starts, g);
        if (i >= 0) {
            while (i + 1 < starts.length && starts[i + 1] == g) {
                i++; // skip empty tensors that start at the same index
            }
            return i;
        }
        return -i - 2;
    }

    private Selection fromCandidates(List<DeltaRange> ranges, List<Chunk> chunks, long k, int minBits, long total)
            throws NonFiniteWeightException {
        AtomicLong budget = new AtomicLong(budgetCandidates);
        AtomicLong done = new AtomicLong();
        boolean[] stopped = new boolean[1];
        List<Candidates> lists = ChunkRunner.run(threads, chunks.size(), () -> new Scan(new Candidates(budget)), (scan, c) -> {
            Chunk ch = chunks.get(c);
            boolean ok = kernel.collect(ranges.get(ch.range()), ch.from(), ch.to(), minBits, scan.scratch, scan.out);
            progress.progress("scan", done.addAndGet(ch.to() - ch.from()), total);
            return ok;
        }, stopped).stream().map(sc -> sc.out).toList();
        long m = lists.stream().mapToLong(Candidates::size).sum();
        if (stopped[0] || m < k) {
            return null;
        }
        long[] hi = new long[1 << 16];
        lists.forEach(l -> l.forEach((g, b) -> hi[b >>> 16]++));
        checkFinite(ranges, hi, () -> firstNonFinite(lists));
        Cut cut = Cut.find(hi, k);
        long[] lo = new long[1 << 16];
        lists.forEach(l -> l.forEach((g, b) -> {
            if ((b >>> 16) == cut.bucket) {
                lo[b & 0xFFFF]++;
            }
        }));
        Cut fine = Cut.find(lo, k - cut.above);
        int t = (cut.bucket << 16) | fine.bucket;
        long needTies = k - cut.above - fine.above;
        long tieCutoff = Long.MAX_VALUE;
        if (needTies < lo[fine.bucket]) {
            long[] ties = new long[(int) lo[fine.bucket]];
            int[] n = new int[1];
            lists.forEach(l -> l.forEach((g, b) -> {
                if (b == t) {
                    ties[n[0]++] = g;
                }
            }));
            Arrays.sort(ties);
            tieCutoff = ties[(int) needTies - 1];
        }
        long cutoff = tieCutoff;
        long[] starts = ranges.stream().mapToLong(DeltaRange::globalStart).toArray();
        List<Map<Integer, RoaringBitmap>> parts = ChunkRunner.run(threads, lists.size(), HashMap::new, (out, i) -> {
            lists.get(i).forEach((g, b) -> {
                if (b > t || (b == t && g <= cutoff)) {
                    int r = rangeOf(starts, g);
                    out.computeIfAbsent(r, x -> new RoaringBitmap()).add((int) (g - starts[r]));
                }
            });
            return true;
        }, null);
        return new Selection(k, t, merge(ranges, parts), true);
    }

    private static final class Scan {
        final DeltaKernel.Scratch scratch = new DeltaKernel.Scratch();
        final Candidates out;

        Scan(Candidates out) {
            this.out = out;
        }
    }

    /** Where the k-th largest falls in a histogram: its bucket and how many lie strictly above. */
    private record Cut(int bucket, long above) {
        static Cut find(long[] hist, long k) {
            long above = 0;
            for (int b = hist.length - 1; b >= 0; b--) {
                if (above + hist[b] >= k) {
                    return new Cut(b, above);
                }
                above += hist[b];
            }
            throw new IllegalStateException("histogram holds " + above + " elements, fewer than k = " + k);
        }
    }

    private Selection radix(List<DeltaRange> ranges, List<Chunk> chunks, long k, long total) throws NonFiniteWeightException {
        long[] hi = histogram(ranges, chunks, 16, 0, total, "radix pass 1/4");
        checkFinite(ranges, hi, () -> firstNonFiniteByScan(ranges, chunks));
        Cut cut = Cut.find(hi, k);
        long[] lo = histogram(ranges, chunks, 0, cut.bucket, total, "radix pass 2/4");
        Cut fine = Cut.find(lo, k - cut.above);
        int t = (cut.bucket << 16) | fine.bucket;
        long needTies = k - cut.above - fine.above;
        long[] tiesPerChunk = new long[chunks.size()];
        AtomicLong done = new AtomicLong();
        List<Map<Integer, RoaringBitmap>> parts = new ArrayList<>(ChunkRunner.run(threads, chunks.size(), Mark::new, (mark, c) -> {
            Chunk ch = chunks.get(c);
            DeltaRange r = ranges.get(ch.range());
            RoaringBitmap bm = mark.out.computeIfAbsent(ch.range(), x -> new RoaringBitmap());
            long[] ties = {0};
            kernel.collect(r, ch.from(), ch.to(), t, mark.scratch, (g, b) -> {
                if (b > t) {
                    bm.add((int) (g - r.globalStart()));
                } else {
                    ties[0]++;
                }
                return true;
            });
            tiesPerChunk[c] = ties[0];
            progress.progress("radix pass 3/4", done.addAndGet(ch.to() - ch.from()), total);
            return true;
        }, null).stream().map(m -> m.out).toList());
        Map<Integer, RoaringBitmap> tied = new HashMap<>();
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        for (int c = 0; c < chunks.size() && needTies > 0; c++) {
            if (tiesPerChunk[c] == 0) {
                continue;
            }
            Chunk ch = chunks.get(c);
            DeltaRange r = ranges.get(ch.range());
            RoaringBitmap bm = tied.computeIfAbsent(ch.range(), x -> new RoaringBitmap());
            long[] left = {needTies};
            kernel.collect(r, ch.from(), ch.to(), t, s, (g, b) -> {
                if (b == t) {
                    bm.add((int) (g - r.globalStart()));
                    left[0]--;
                }
                return left[0] > 0;
            });
            needTies = left[0];
        }
        parts.add(tied);
        return new Selection(k, t, merge(ranges, parts), false);
    }

    private static final class Mark {
        final DeltaKernel.Scratch scratch = new DeltaKernel.Scratch();
        final Map<Integer, RoaringBitmap> out = new HashMap<>();
    }

    private long[] histogram(List<DeltaRange> ranges, List<Chunk> chunks, int shift, int prefix, long total, String phase) {
        AtomicLong done = new AtomicLong();
        List<Hist> hs = ChunkRunner.run(threads, chunks.size(), Hist::new, (h, c) -> {
            Chunk ch = chunks.get(c);
            kernel.histogram(ranges.get(ch.range()), ch.from(), ch.to(), shift, prefix, h.scratch, h.counts);
            progress.progress(phase, done.addAndGet(ch.to() - ch.from()), total);
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

    private static Map<String, RoaringBitmap> merge(List<DeltaRange> ranges, List<Map<Integer, RoaringBitmap>> parts) {
        Map<String, RoaringBitmap> out = new java.util.TreeMap<>();
        for (Map<Integer, RoaringBitmap> part : parts) {
            part.forEach((r, bm) -> {
                if (!bm.isEmpty()) {
                    out.merge(ranges.get(r).name(), bm, (a, b) -> RoaringBitmap.or(a, b));
                }
            });
        }
        return out;
    }

    private interface Locator {
        long first();
    }

    private static void checkFinite(List<DeltaRange> ranges, long[] hi, Locator locate) throws NonFiniteWeightException {
        long bad = 0;
        for (int b = DeltaKernel.NON_FINITE >>> 16; b < hi.length; b++) {
            bad += hi[b];
        }
        if (bad == 0) {
            return;
        }
        long g = locate.first();
        long[] starts = ranges.stream().mapToLong(DeltaRange::globalStart).toArray();
        DeltaRange r = ranges.get(rangeOf(starts, g));
        long i = g - r.globalStart();
        float[] a = new float[1];
        float[] b = new float[1];
        FloatCodec.decode(r.baseType(), r.base(), i, a, 0, 1);
        FloatCodec.decode(r.tunedType(), r.tuned(), i, b, 0, 1);
        throw new NonFiniteWeightException(bad + " element(s) have a non-finite |Δ|; the first is tensor '" + r.name()
                + "' flat index " + i + " (base " + a[0] + ", tuned " + b[0] + "): a checkpoint holds NaN or infinite weights;"
                + " the fine-tune likely diverged: lower its learning rate or check its data");
    }

    private static long firstNonFinite(List<Candidates> lists) {
        long first = Long.MAX_VALUE;
        for (Candidates l : lists) {
            for (long i = 0; i < l.size(); i++) {
                if (l.bits(i) >= DeltaKernel.NON_FINITE) {
                    first = Math.min(first, l.index(i));
                    break;
                }
            }
        }
        return first;
    }

    private long firstNonFiniteByScan(List<DeltaRange> ranges, List<Chunk> chunks) {
        long[] first = {-1};
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        for (Chunk ch : chunks) {
            kernel.collect(ranges.get(ch.range()), ch.from(), ch.to(), DeltaKernel.NON_FINITE, s, (g, b) -> {
                first[0] = g;
                return false;
            });
            if (first[0] >= 0) {
                return first[0];
            }
        }
        throw new IllegalStateException("histogram counted non-finite Δ that a scan cannot find");
    }
}
