package ai.cpift.core.fusion;

import ai.cpift.core.tensor.FloatCodec;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The BF16 kernels against the arithmetic {@link PairKernel} documents, written here element by
 * element in natural order, and the Vector API kernel against the scalar one, bit for bit.
 */
class PairKernelTest {
    static final int[] LENGTHS = {1, 2, 3, 31, 32, 33, 63, 64, 65, 100, 1023, 2047, 2048};
    static final long[] STARTS = {0, 1, 5, 64};

    /** The vector kernel where this JVM and CPU have it (surefire enables jdk.incubator.vector); the test is skipped otherwise. */
    static PairKernel vector() {
        PairKernel k = PairKernel.best();
        assumeTrue(k.getClass() != PairKernel.class, "no 512-bit Vector API kernel on this JVM/CPU");
        return k;
    }

    @Test
    void theVectorKernelIsUsedWhereTheModuleAndWideVectorsAreThere() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            PairKernel k = PairKernel.best();
            assertTrue(k.usable());
        }
        assertInstanceOf(PairKernel.class, PairKernel.scalar());
        assertEquals(PairKernel.class, PairKernel.scalar().getClass());
    }

    /** BF16 values in [−scale, scale), with some exact zeros, negative zeros and subnormals mixed in. */
    static MemorySegment bf16(Arena arena, Random r, long n, double scale) {
        MemorySegment s = arena.allocate(2 * n);
        for (long i = 0; i < n; i++) {
            float v = (float) ((r.nextDouble() * 2 - 1) * scale);
            switch (r.nextInt(50)) {
                case 0 -> v = 0f;
                case 1 -> v = -0f;
                case 2 -> v = Float.intBitsToFloat(0x00010000 * (1 + r.nextInt(100)));
                default -> {
                }
            }
            s.set(FloatCodec.LE_SHORT, 2 * i, FloatCodec.floatToBf16(v));
        }
        return s;
    }

    static float at(MemorySegment s, long e) {
        return FloatCodec.bf16ToFloat(s.get(FloatCodec.LE_SHORT, 2 * e));
    }

    /** The documented Gram block: accumulator lane(k) of entry (j, k2) takes fma(θj[k], θk2[k], acc) in increasing k, then goes to double. */
    static double[][] referenceGram(MemorySegment[] t, int n, long from, int len) {
        double[][] dacc = new double[n * (n + 1) / 2][PairKernel.ACCUMULATORS];
        int p = 0;
        for (int j = 0; j < n; j++) {
            for (int k = j; k < n; k++, p++) {
                float[] acc = new float[PairKernel.ACCUMULATORS];
                for (int e = 0; e < len; e++) {
                    int l = (e & 1) * 16 + ((e >> 1) & 15);
                    acc[l] = Math.fma(at(t[j], from + e), at(t[k], from + e), acc[l]);
                }
                for (int l = 0; l < acc.length; l++) {
                    dacc[p][l] += acc[l];
                }
            }
        }
        return dacc;
    }

    static double[][] kernelGram(PairKernel kernel, MemorySegment[] t, int n, long from, int len) {
        FusionScratch s = new FusionScratch(n, 4096, 1024);
        kernel.gram(t, n, from, len, s);
        return s.dacc;
    }

    /** The documented merge: (float) of c_0·θ0 + c_1·θ1 + … in double, left to right, then BF16 round-to-nearest-even. */
    static short referenceMerge(MemorySegment[] t, int n, double[] c, long e) {
        double sum = c[0] * at(t[0], e);
        for (int j = 1; j < n; j++) {
            sum = sum + c[j] * at(t[j], e);
        }
        return FloatCodec.floatToBf16((float) sum);
    }

    @Test
    void bothKernelsComputeTheDocumentedGramAndMerge() {
        Random r = new Random(11);
        try (Arena arena = Arena.ofConfined()) {
            for (int n = 1; n <= 5; n++) {
                MemorySegment[] t = new MemorySegment[n];
                for (int j = 0; j < n; j++) {
                    t[j] = bf16(arena, r, 2200, 0.05);
                }
                double[] c = new double[n];
                for (int j = 0; j < n; j++) {
                    c[j] = r.nextDouble() * 2 - 0.5;
                }
                for (PairKernel kernel : kernels()) {
                    for (int len : LENGTHS) {
                        for (long from : STARTS) {
                            if (from + len > 2200) {
                                continue;
                            }
                            String where = kernel.getClass().getSimpleName() + " n " + n + " from " + from + " len " + len;
                            double[][] want = referenceGram(t, n, from, len);
                            double[][] got = kernelGram(kernel, t, n, from, len);
                            for (int p = 0; p < want.length; p++) {
                                for (int l = 0; l < want[p].length; l++) {
                                    assertEquals(Double.doubleToRawLongBits(want[p][l]), Double.doubleToRawLongBits(got[p][l]),
                                            where + " Gram entry " + p + " lane " + l);
                                }
                            }
                            MemorySegment out = arena.allocate(2 * 2200L);
                            kernel.combine(t, n, c, from, len, out, from, new FusionScratch(n, 4096, 1024));
                            for (long e = from; e < from + len; e++) {
                                assertEquals(referenceMerge(t, n, c, e), out.get(FloatCodec.LE_SHORT, 2 * e), where + " element " + e);
                            }
                            assertEquals(0, out.get(FloatCodec.LE_SHORT, 2 * (from + len)), where + ": nothing past the block");
                        }
                    }
                }
            }
        }
    }

    @Test
    void theMergeRoundsToNearestEvenAndKeepsOverflowAndSignedZeros() {
        // Values chosen so the float32 sums sit exactly on, just below and just above BF16 halfway points,
        // overflow to infinity, and cancel to zero of either sign.
        float[] a = {1.0f, 1.0f, 1.0f, -1.0f, 3.0e38f, -3.0e38f, 0.0f, -0.0f, 1.0f};
        float[] b = {0x1p-8f, 0x1.8p-8f, 0x1p-9f, -0x1p-8f, 3.0e38f, -3.0e38f, 0.0f, -0.0f, -1.0f};
        double[] c = {1, 1};
        try (Arena arena = Arena.ofConfined()) {
            int len = 64; // past one vector of pairs, so the vector loop and the scalar tail both see each case
            MemorySegment[] t = {arena.allocate(2L * len), arena.allocate(2L * len)};
            for (int i = 0; i < len; i++) {
                t[0].set(FloatCodec.LE_SHORT, 2L * i, FloatCodec.floatToBf16(a[i % a.length]));
                t[1].set(FloatCodec.LE_SHORT, 2L * i, FloatCodec.floatToBf16(b[i % b.length]));
            }
            for (PairKernel kernel : kernels()) {
                MemorySegment out = arena.allocate(2L * len);
                kernel.combine(t, 2, c, 0, len, out, 0, new FusionScratch(2, 4096, 1024));
                for (int i = 0; i < len; i++) {
                    float sum = (float) ((double) at(t[0], i) + at(t[1], i));
                    assertEquals(FloatCodec.floatToBf16(sum), out.get(FloatCodec.LE_SHORT, 2L * i),
                            kernel.getClass().getSimpleName() + " element " + i + " (" + sum + ")");
                }
            }
        }
    }

    @Test
    void theVectorKernelMatchesTheScalarOneOnLongBlocks() {
        PairKernel vector = vector();
        Random r = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            int n = 3;
            MemorySegment[] t = new MemorySegment[n];
            for (int j = 0; j < n; j++) {
                t[j] = bf16(arena, r, 40_000, 1e3);
            }
            double[] c = {0.3, -1.7, 2.25};
            for (long from = 0; from + 2048 <= 40_000; from += 2047) {
                double[][] want = kernelGram(PairKernel.scalar(), t, n, from, 2048);
                double[][] got = kernelGram(vector, t, n, from, 2048);
                for (int p = 0; p < want.length; p++) {
                    for (int l = 0; l < want[p].length; l++) {
                        assertEquals(want[p][l], got[p][l], 0.0, "from " + from);
                    }
                }
            }
            MemorySegment a = arena.allocate(2 * 40_000L);
            MemorySegment b = arena.allocate(2 * 40_000L);
            for (long from = 0; from < 40_000; from += 4096) {
                int len = (int) Math.min(4096, 40_000 - from);
                PairKernel.scalar().combine(t, n, c, from, len, a, from, new FusionScratch(n, 4096, 1024));
                vector.combine(t, n, c, from, len, b, from, new FusionScratch(n, 4096, 1024));
            }
            assertEquals(-1, a.mismatch(b));
        }
    }

    static PairKernel[] kernels() {
        PairKernel best = PairKernel.best();
        return best.getClass() == PairKernel.class ? new PairKernel[]{best} : new PairKernel[]{PairKernel.scalar(), best};
    }
}
