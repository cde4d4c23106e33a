package ai.cpift.core.region;

import ai.cpift.core.tensor.FloatCodec;

/**
 * Computes Δ = |θ_tuned − θ_base| in float32 and hands out its bit pattern. For non-negative
 * floats the bit patterns order like the values, so every comparison and radix digit below works
 * on ints. NaN sorts above +Inf (bits above 0x7F800000), so a non-finite Δ is always among the
 * largest and cannot slip past the checks.
 */
abstract class DeltaKernel {
    static final int BLOCK = 4096;
    static final int NON_FINITE = 0x7F800000;

    /** Receives selected elements in ascending global order; returns false to stop the scan. */
    interface Sink {
        boolean add(long global, int bits);
    }

    /** Per-thread buffers. */
    static final class Scratch {
        final float[] a = new float[BLOCK];
        final float[] b = new float[BLOCK];
        final int[] bits = new int[BLOCK];
        /** Where the scans read the tensors through. */
        final Window window = new Window();
    }

    /** Δ bits of elements [from, from + len) of the range, len ≤ BLOCK. */
    void delta(DeltaRange r, long from, int len, Scratch s) {
        FloatCodec.decode(r.baseType(), r.base(), from, s.a, 0, len);
        FloatCodec.decode(r.tunedType(), r.tuned(), from, s.b, 0, len);
        float[] a = s.a;
        float[] b = s.b;
        int[] out = s.bits;
        for (int i = 0; i < len; i++) {
            out[i] = Float.floatToRawIntBits(Math.abs(b[i] - a[i]));
        }
    }

    /** Δ bits of the single element {@code i} of the range: what {@link #delta} gives for it, without a block's set-up. */
    static int deltaBits(DeltaRange r, long i) {
        return Float.floatToRawIntBits(Math.abs(FloatCodec.decodeOne(r.tunedType(), r.tuned(), i)
                - FloatCodec.decodeOne(r.baseType(), r.base(), i)));
    }

    /**
     * Passes every element of [from, to) whose Δ bits are at least {@code minBits} to the sink,
     * in ascending order.
     *
     * @return false when the sink stopped the scan
     */
    boolean collect(DeltaRange r, long from, long to, int minBits, Scratch s, Sink sink) {
        long base = r.globalStart();
        for (long p = from; p < to; p += BLOCK) {
            int len = (int) Math.min(BLOCK, to - p);
            delta(r, p, len, s);
            int[] bits = s.bits;
            for (int i = 0; i < len; i++) {
                if (bits[i] >= minBits && !sink.add(base + p + i, bits[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Sorts the elements [0, n) of a window (n = {@code w.numel()}) into three bit sets, bit i of
     * word i/64 standing for element i: Δ bits above {@code high} ({@code gt}), at least {@code high}
     * ({@code ge}, so {@code gt} ⊆ {@code ge}), and in [{@code low}, {@code high}) ({@code mid}). The words of the sets up to
     * ⌈n/64⌉ are overwritten. Non-finite Δ (bits at or above {@link #NON_FINITE}) land in the sets
     * like any others and are reported by the return value.
     *
     * @return true when some Δ in the window is non-finite
     */
    boolean classify(DeltaRange w, int low, int high, Scratch s, long[] gt, long[] ge, long[] mid) {
        long n = w.numel();
        int words = (int) ((n + 63) >>> 6);
        java.util.Arrays.fill(gt, 0, words, 0);
        java.util.Arrays.fill(ge, 0, words, 0);
        java.util.Arrays.fill(mid, 0, words, 0);
        return classifyScalar(w, 0, low, high, s, gt, ge, mid);
    }

    /** The scalar classification of elements [from, n) into sets whose words from from/64 on are zero or partly set. */
    final boolean classifyScalar(DeltaRange w, long from, int low, int high, Scratch s, long[] gt, long[] ge, long[] mid) {
        boolean nonFinite = false;
        long n = w.numel();
        for (long p = from; p < n; p += BLOCK) {
            int len = (int) Math.min(BLOCK, n - p);
            delta(w, p, len, s);
            int[] bits = s.bits;
            for (int i = 0; i < len; i++) {
                int v = bits[i];
                long e = p + i;
                int word = (int) (e >>> 6);
                long bit = 1L << e;
                nonFinite |= v >= NON_FINITE;
                if (v > high) {
                    gt[word] |= bit;
                    ge[word] |= bit;
                } else if (v == high) {
                    ge[word] |= bit;
                } else if (v >= low) {
                    mid[word] |= bit;
                }
            }
        }
        return nonFinite;
    }

    /**
     * Counts, into {@code hist}, digit {@code (bits >>> shift) & 0xFFFF} of every element whose
     * bits agree with {@code prefix} above bit {@code shift + 16} (all elements when shift is 16).
     */
    void histogram(DeltaRange r, long from, long to, int shift, int prefix, Scratch s, long[] hist) {
        int high = shift + 16;
        for (long p = from; p < to; p += BLOCK) {
            int len = (int) Math.min(BLOCK, to - p);
            delta(r, p, len, s);
            int[] bits = s.bits;
            for (int i = 0; i < len; i++) {
                int v = bits[i];
                if (high >= 32 || (v >>> high) == prefix) {
                    hist[(v >>> shift) & 0xFFFF]++;
                }
            }
        }
    }

    /** The fastest kernel this JVM offers: the Vector API one when jdk.incubator.vector is enabled. */
    static DeltaKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (DeltaKernel) Class.forName("ai.cpift.core.region.VectorDeltaKernel").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return scalar();
            }
        }
        return scalar();
    }

    static DeltaKernel scalar() {
        return new DeltaKernel() {
        };
    }
}
