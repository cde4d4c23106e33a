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
 * <p>Fast path, one scan: a random (cluster) sample of Δ gives a threshold L that is, with overwhelming
 * probability, below the k-th largest Δ while letting only a little more than k elements pass.
 * One vectorised scan keeps every element with Δ ≥ L (a candidate); if at least k passed, the
 * k-th largest of all is the k-th largest candidate ({@link CandidateCut}). The sample only
 * decides the speed: whenever it misjudges (fewer than k candidates, or more than the memory
 * budget holds), the exact radix passes of {@link RadixSelect} decide instead.
 */
final class TopKSelector {
    private static final int MIN_SAMPLES = 1 << 15;
    private static final int MAX_SAMPLES = 1 << 18;
    /** Elements a sampling cluster spans: 16 KiB of bf16, read with one positional read per file. */
    private static final long CLUSTER_SPAN = 1 << 13;
    private static final int PER_CLUSTER = 64;

    private final DeltaKernel kernel;
    private final int threads;
    private final long budgetCandidates;
    private final ProgressListener progress;
    /** Scratch space (with its read buffers) of finished runs, for the next: per-tensor mode runs hundreds. */
    private final java.util.Queue<DeltaKernel.Scratch> idle = new java.util.concurrent.ConcurrentLinkedQueue<>();

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
        // The smallest sample whose window would fill a quarter of the room if the sample were simple
        // random; clustering widens it (below), and the rest of the room absorbs that.
        int n = MIN_SAMPLES;
        while (n < MAX_SAMPLES && 2 * spread(q * n, q, 0) / n * layout.total > room / 4.0) {
            n *= 2;
        }
        int clusters = n / PER_CLUSTER;
        int[] sample = sample(layout, clusters);
        int[] sorted = sample.clone();
        Arrays.sort(sorted);
        double mean = q * n;
        int meanRank = (int) Math.max(1, Math.round(mean));
        double clusterVariance = clusterVariance(sample, sorted[n - meanRank], clusters);
        double spread = spread(mean, q, clusterVariance);
        int lowRank = (int) Math.ceil(mean + spread);
        int sureRank = (int) Math.floor(mean - spread);
        if (lowRank >= n || (double) (lowRank - Math.max(sureRank, 0)) / n * layout.total > room) {
            return null;
        }
        int high = sureRank >= 1 ? Math.min(sorted[n - sureRank], DeltaKernel.NON_FINITE) : DeltaKernel.NON_FINITE;
        return new Thresholds(sorted[n - lowRank], high);
    }

    /**
     * Four standard deviations (plus a little for tiny cores) of the number of sampled elements
     * above the core's threshold, either side of its expected value: the chance that the threshold
     * falls outside the window is below 1e-4. The variance is the larger of a simple random
     * sample's and the one estimated from the clusters.
     */
    private static double spread(double mean, double q, double clusterVariance) {
        return 4 * Math.sqrt(Math.max(mean * (1 - q), clusterVariance)) + 4;
    }

    /**
     * Δ bits of {@code clusters × PER_CLUSTER} elements: clusters at random places, each with
     * random elements from the {@link #CLUSTER_SPAN} that follow. Reading an element costs a
     * system call (or, through a mapping, a page fault), far more than the bytes it brings; a
     * cluster is read with one call per file and serves many samples. Each thread takes a
     * contiguous share of the clusters.
     */
    private int[] sample(Layout layout, int clusters) {
        SplittableRandom random = new SplittableRandom(0x5eed);
        long span = Math.min(CLUSTER_SPAN, layout.total);
        long[] starts = random.longs(clusters, 0, layout.total - span + 1).sorted().toArray();
        long[] at = new long[clusters * PER_CLUSTER];
        for (int c = 0; c < clusters; c++) {
            int from = c * PER_CLUSTER;
            for (int i = 0; i < PER_CLUSTER; i++) {
                at[from + i] = starts[c] + random.nextLong(span);
            }
            Arrays.sort(at, from, from + PER_CLUSTER);
        }
        int[] sample = new int[at.length];
        int parts = Math.max(1, threads);
        List<DeltaKernel.Scratch> used = ChunkRunner.run(threads, parts, true, this::scratch, (s, part) -> {
            int from = (int) ((long) part * clusters / parts) * PER_CLUSTER;
            int to = (int) ((long) (part + 1) * clusters / parts) * PER_CLUSTER;
            DeltaRange w = null;
            for (int i = from; i < to; i++) {
                if (i % PER_CLUSTER == 0 || !w.contains(at[i])) {
                    // The rest of the cluster that lies in this element's tensor, in one window.
                    DeltaRange range = layout.ranges.get(layout.rangeOf(at[i]));
                    long clusterEnd = at[i - i % PER_CLUSTER + PER_CLUSTER - 1] + 1;
                    w = s.window.load(range, at[i] - range.globalStart(),
                            Math.min(range.numel(), clusterEnd - range.globalStart()));
                }
                sample[i] = DeltaKernel.deltaBits(w, at[i] - w.globalStart());
            }
            return true;
        }, null);
        idle.addAll(used);
        return sample;
    }

    /**
     * The variance of the number of sampled elements with Δ bits ≥ {@code t}, estimated from the
     * spread of the per-cluster counts (the clusters are independent draws).
     */
    private static double clusterVariance(int[] sample, int t, int clusters) {
        double sum = 0;
        double sumSq = 0;
        for (int c = 0; c < clusters; c++) {
            int count = 0;
            for (int i = c * PER_CLUSTER; i < (c + 1) * PER_CLUSTER; i++) {
                count += sample[i] >= t ? 1 : 0;
            }
            sum += count;
            sumSq += (double) count * count;
        }
        double m = sum / clusters;
        double perCluster = clusters > 1 ? (sumSq - clusters * m * m) / (clusters - 1) : 0;
        return clusters * Math.max(0, perCluster);
    }

    private DeltaKernel.Scratch scratch() {
        DeltaKernel.Scratch s = idle.poll();
        return s != null ? s : new DeltaKernel.Scratch();
    }

    /** One scan, each thread taking the next free chunk; null when the window outgrew the budget. */
    private List<ScanSink> scan(Layout layout, Thresholds th) {
        AtomicLong budget = new AtomicLong(budgetCandidates);
        AtomicLong done = new AtomicLong();
        boolean[] stopped = new boolean[1];
        List<ScanSink> sinks = ChunkRunner.run(threads, layout.chunks.size(), false,
                () -> new ScanSink(scratch(), new Candidates(budget), th.low(), th.high()), (sink, c) -> {
                    Layout.Chunk ch = layout.chunks.get(c);
                    boolean ok = sink.scan(kernel, layout.ranges.get(ch.range()), ch.range(), ch.from(), ch.to());
                    progress.progress("scan", done.addAndGet(ch.size()), layout.total);
                    return ok;
                }, stopped);
        sinks.forEach(s -> idle.add(s.scratch));
        return stopped[0] ? null : sinks;
    }
}
