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
