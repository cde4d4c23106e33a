package ai.cpift.cli.bench;

import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.RoaringBitmapWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Mask files with a controlled overlap, for {@code cpift bench cluster}. Elements are indexed
 * globally (tensors in name order, row-major within) over a {@link LlamaLayout}; every mask holds
 * exactly k = ⌊p·D/100⌋ of them.
 *
 * <p>Tasks come in families. A family has a pool: every element independently with probability k/D
 * (about k elements, spread uniformly, the layout a roaring bitmap handles worst: ~655 elements in
 * every block of 2^16 at p = 1). A task of the family keeps each pool element with probability
 * {@code share}, adds every element of the model with the probability that makes its expected size
 * k·1.002 (about (1 − share)·k/D), and drops
 * uniformly chosen elements down to exactly k. Two tasks of one family then have
 * S ≈ share² / (2 − share²) (0.14 at share 0.5), tasks of different families S ≈ p/200 (0.005).
 */
final class SyntheticMasks {
    /** A family of tasks: how many, and what fraction of each task's core comes from the family pool. */
    record Family(int size, double share) {
        /** The expected S of two of its tasks (ignoring the ~p/100 chance overlap). */
        double expectedJaccard() {
            return share * share / (2 - share * share);
        }
    }

    private static final double MARGIN = 1.002; // oversampling, then trimmed to exactly k; 6σ of headroom at k = 11 M

    private final LlamaLayout layout;
    private final List<MaskTensor> tensors;
    private final long[] offsets; // [tensors + 1] global index of each tensor's first element
    private final long elements;
    private final long k;
    private final double percent;
    private final String baseSha;

    SyntheticMasks(LlamaLayout layout, double percent) {
        this.layout = layout;
        this.tensors = layout.maskTensors();
        this.offsets = new long[tensors.size() + 1];
        for (int i = 0; i < tensors.size(); i++) {
            offsets[i + 1] = offsets[i] + tensors.get(i).numel();
        }
        this.elements = offsets[tensors.size()];
        this.k = (long) Math.floor(percent * elements / 100);
        this.percent = percent;
        this.baseSha = sha("synthetic base " + layout.describe());
    }

    long elements() {
        return elements;
    }

    long coreSize() {
        return k;
    }

    /** The pool of a family: sorted global indices. */
    long[] pool(long seed) {
        return sample(new SplittableRandom(seed), (double) k / elements, (long) (k * 1.01) + 64);
    }

    /** Writes the mask of one task of a family whose pool is {@code pool}. */
    void write(Path file, String task, long[] pool, double share, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        // P(element in task) = 1 − (1 − share·ρ)(1 − ρ_own) must be ρ·MARGIN, ρ = k/D.
        double rho = (double) k / elements;
        double ownDensity = (rho * MARGIN - share * rho) / (1 - share * rho);
        long[] own = sample(rnd, ownDensity, (long) (ownDensity * elements * 1.01) + 64);
        long[] merged = new long[(int) Math.min(Integer.MAX_VALUE - 8, (long) (pool.length * share * 1.01) + own.length + 64)];
        int n = 0;
        int o = 0;
        for (long p : pool) {
            if (rnd.nextDouble() >= share) {
                continue;
            }
            while (o < own.length && own[o] < p) {
                merged = put(merged, n++, own[o++]);
            }
            if (o < own.length && own[o] == p) {
                o++;
            }
            merged = put(merged, n++, p);
        }
        while (o < own.length) {
            merged = put(merged, n++, own[o++]);
        }
        if (n < k) {
            throw new IllegalStateException("synthetic mask for " + task + " drew " + n + " elements, fewer than k = " + k
                    + "; raise MARGIN");
        }
        long[] drop = floyd(rnd, n, (int) (n - k));
        writeMask(file, task, merged, n, drop);
    }

    private void writeMask(Path file, String task, long[] sorted, int n, long[] drop) throws IOException {
        Map<String, RoaringBitmap> bitmaps = new LinkedHashMap<>();
        List<MaskTensor> header = new ArrayList<>();
        int t = 0;
        RoaringBitmapWriter<RoaringBitmap> w = RoaringBitmapWriter.writer().get();
        for (int i = 0; i <= n; i++) {
            long g = i < n ? sorted[i] : Long.MAX_VALUE;
            while (t < tensors.size() && g >= offsets[t + 1]) {
                RoaringBitmap b = w.get();
                bitmaps.put(tensors.get(t).name(), b);
                header.add(new MaskTensor(tensors.get(t).name(), tensors.get(t).shape(), b.getLongCardinality()));
                w = RoaringBitmapWriter.writer().get();
                t++;
            }
            if (i < n && (drop[i >>> 6] & (1L << i)) == 0) {
                w.add((int) (g - offsets[t]));
            }
        }
        MaskHeader h = new MaskHeader(task, percent, MaskMode.GLOBAL, Float.NaN, k, elements, baseSha, sha("tuned " + task), header);
        MaskFile.write(file, h, bitmaps);
    }

    /** Sorted global indices, each element with probability {@code density}, by geometric gaps. */
    private long[] sample(SplittableRandom rnd, double density, long expectedMax) {
        long[] out = new long[(int) Math.min(Integer.MAX_VALUE - 8, expectedMax)];
        int n = 0;
        double logQ = Math.log1p(-density);
        long pos = -1;
        while (true) {
            pos += 1 + (long) (Math.log(1 - rnd.nextDouble()) / logQ);
            if (pos >= elements) {
                return Arrays.copyOf(out, n);
            }
            out = put(out, n++, pos);
        }
    }

    private static long[] put(long[] a, int i, long v) {
        if (i == a.length) {
            a = Arrays.copyOf(a, a.length + (a.length >> 3) + 16);
        }
        a[i] = v;
        return a;
    }

    /** A bitset over [0, n) with exactly {@code m} bits set, uniformly (Floyd's algorithm). */
    private static long[] floyd(SplittableRandom rnd, int n, int m) {
        long[] bits = new long[(n >>> 6) + 1];
        for (int j = n - m; j < n; j++) {
            int t = rnd.nextInt(j + 1);
            int pick = (bits[t >>> 6] & (1L << t)) == 0 ? t : j;
            bits[pick >>> 6] |= 1L << pick;
        }
        return bits;
    }

    private static String sha(String text) {
        return HexFormat.of().formatHex(CheckpointDigest.newSha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    String describe() {
        return String.format(java.util.Locale.ROOT, "%s layout (%d tensors, D = %,d), k = %,d core elements per mask (p = %s %%)",
                layout.describe(), tensors.size(), elements, k, percent);
    }
}
