package ai.cpift.core.region;

import ai.cpift.core.progress.ProgressListener;

import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * k-th largest of all is the k-th largest candidate ({@link CandidateCut}). The sample only
 * decides the speed: whenever it misjudges (fewer than k candidates, or more than the memory
 * budget holds), the exact radix passes of {@link RadixSelect} decide instead.
 */
final class TopKSelector {
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

    Selection select(List<DeltaRange> ranges, long k) throws NonFiniteWeightException {
        Layout layout = new Layout(ranges);
        if (k < 0 || k > layout.total) {
            throw new IllegalArgumentException("k = " + k + " outside [0, " + layout.total + "]");
        }
        if (k == 0) {
            return new Selection(0, -1, Map.of(), true, Map.of());
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        int threshold = sampledThreshold(layout, k);
        long t1 = System.nanoTime();
        seconds.put("sample", (t1 - t0) / 1e9);
        if (threshold >= 0) {
            List<Candidates> lists = scan(layout, threshold);
            long t2 = System.nanoTime();
            seconds.put("scan", (t2 - t1) / 1e9);
            if (lists != null && lists.stream().mapToLong(Candidates::size).sum() >= k) {
                long[] high = new long[1 << 16];
                lists.forEach(l -> Arrays.setAll(high, i -> high[i] + l.high[i]));
                NonFinite.check(layout, high, () -> NonFinite.firstAmong(lists));
                return CandidateCut.select(layout, lists, k, threads, seconds);
            }
        }
        return new RadixSelect(kernel, threads, progress).select(layout, k, seconds);
    }

    /** The candidate threshold L for the one-scan path, or -1 when that path would not fit the budget. */
    private int sampledThreshold(Layout layout, long k) {
        long room = budgetCandidates * 3 / 4;
        if (layout.total <= room) {
            return 0;
        }
        double q = (double) k / layout.total;
        double mean = q * SAMPLES;
        // Four standard deviations (plus a little for tiny cores) above the expected count:
        // the chance that fewer than k elements pass is below 1e-4.
        int rank = (int) Math.ceil(mean + 4 * Math.sqrt(mean * (1 - q)) + 4);
        if (rank >= SAMPLES || (double) rank / SAMPLES * layout.total > room) {
            return -1;
        }
        int[] sample = new int[SAMPLES];
        SplittableRandom rnd = new SplittableRandom(0x5eed);
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        for (int i = 0; i < SAMPLES; i++) {
            long g = rnd.nextLong(layout.total);
            DeltaRange r = layout.ranges.get(layout.rangeOf(g));
            kernel.delta(r, g - r.globalStart(), 1, s);
            sample[i] = s.bits[0];
        }
        Arrays.sort(sample);
        return sample[SAMPLES - rank];
    }

    /** Every element with Δ bits ≥ minBits, per thread in ascending order; null when the budget ran out. */
    private List<Candidates> scan(Layout layout, int minBits) {
        AtomicLong budget = new AtomicLong(budgetCandidates);
        AtomicLong done = new AtomicLong();
        boolean[] stopped = new boolean[1];
        List<Scan> scans = ChunkRunner.run(threads, layout.chunks.size(), () -> new Scan(new Candidates(budget)), (scan, c) -> {
            Layout.Chunk ch = layout.chunks.get(c);
            boolean ok = kernel.collect(layout.ranges.get(ch.range()), ch.from(), ch.to(), minBits, scan.scratch, scan.out);
            progress.progress("scan", done.addAndGet(ch.size()), layout.total);
            return ok;
        }, stopped);
        return stopped[0] ? null : scans.stream().map(sc -> sc.out).toList();
    }

    private static final class Scan {
        final DeltaKernel.Scratch scratch = new DeltaKernel.Scratch();
        final Candidates out;

        Scan(Candidates out) {
            this.out = out;
        }
    }
}
