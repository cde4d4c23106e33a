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
    private static final int SAMPLES = 1 << 15;

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
        Thresholds th = sampledThresholds(layout, k);
        long t1 = System.nanoTime();
        seconds.put("sample", (t1 - t0) / 1e9);
        if (th != null) {
            List<ScanSink> sinks = scan(layout, th);
            long t2 = System.nanoTime();
            seconds.put("scan", (t2 - t1) / 1e9);
            if (sinks != null) {
                long nonFinite = sinks.stream().mapToLong(x -> x.nonFinite).sum();
                if (nonFinite > 0) {
                    NonFinite.report(layout, nonFinite, sinks.stream().mapToLong(x -> x.firstNonFinite).min().orElseThrow());
                }
                long above = sinks.stream().mapToLong(x -> x.aboveCount).sum();
                long boundary = sinks.stream().mapToLong(x -> x.boundaryCount).sum();
                long window = sinks.stream().mapToLong(x -> x.window.size()).sum();
                if (above < k && above + boundary + window >= k) {
                    return CandidateCut.select(layout, sinks, k, above, boundary, th.high(), threads, seconds);
                }
            }
        }
        return new RadixSelect(kernel, threads, progress).select(layout, k, seconds);
    }

    /**
     * The split of the one-scan path: elements above {@code high} are in the core, the core's
     * threshold lies in [low, high].
     */
    record Thresholds(int low, int high) {
    }

    /** The thresholds of the one-scan path, or null when that path would not fit the budget. */
    private Thresholds sampledThresholds(Layout layout, long k) {
        long room = budgetCandidates * 3 / 4;
        if (layout.total <= room) {
            return new Thresholds(0, DeltaKernel.NON_FINITE);
        }
        double q = (double) k / layout.total;
        double mean = q * SAMPLES;
        // Four standard deviations (plus a little for tiny cores) either side of the expected count:
        // the chance that the core's threshold falls outside the window is below 1e-4.
        double spread = 4 * Math.sqrt(mean * (1 - q)) + 4;
        int lowRank = (int) Math.ceil(mean + spread);
        int sureRank = (int) Math.floor(mean - spread);
        if (lowRank >= SAMPLES || (double) (lowRank - Math.max(sureRank, 0)) / SAMPLES * layout.total > room) {
            return null;
        }
        // Positions in ascending order walk the mappings forwards: far fewer TLB misses and page
        // faults than random order, and the pages touched are the ones the scan reads next anyway.
        long[] at = new SplittableRandom(0x5eed).longs(SAMPLES, 0, layout.total).sorted().toArray();
        int[] sample = new int[SAMPLES];
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        int r = 0;
        for (int i = 0; i < SAMPLES; i++) {
            while (layout.end(r) <= at[i]) {
                r++;
            }
            DeltaRange range = layout.ranges.get(r);
            kernel.delta(range, at[i] - range.globalStart(), 1, s);
            sample[i] = s.bits[0];
        }
        Arrays.sort(sample);
        int high = sureRank >= 1 ? Math.min(sample[SAMPLES - sureRank], DeltaKernel.NON_FINITE) : DeltaKernel.NON_FINITE;
        return new Thresholds(sample[SAMPLES - lowRank], high);
    }

    /** One scan with each thread on a contiguous run of chunks; null when the window outgrew the budget. */
    private List<ScanSink> scan(Layout layout, Thresholds th) {
        AtomicLong budget = new AtomicLong(budgetCandidates);
        AtomicLong done = new AtomicLong();
        boolean[] stopped = new boolean[1];
        List<ScanSink> sinks = ChunkRunner.run(threads, layout.chunks.size(), false,
                () -> new ScanSink(new Candidates(budget), th.high()), (sink, c) -> {
                    Layout.Chunk ch = layout.chunks.get(c);
                    sink.enter(ch.range(), layout.starts[ch.range()]);
                    boolean ok = kernel.collect(layout.ranges.get(ch.range()), ch.from(), ch.to(), th.low(), sink.scratch, sink);
                    progress.progress("scan", done.addAndGet(ch.size()), layout.total);
                    return ok;
                }, stopped);
        sinks.forEach(ScanSink::flush);
        return stopped[0] ? null : sinks;
    }
}
