package ai.cpift.core.region;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.tensor.FloatCodec;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The parts of the one-scan path checked against element-by-element computations. */
class ScanPartsTest {
    private static final int NF = DeltaKernel.NON_FINITE;

    /** A pair of random weights in the given dtypes, with exact ties and, optionally, NaN and ±Inf. */
    private static DeltaRange pair(Random rnd, int n, DType at, DType bt, boolean nonFinite) {
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * 0.02);
            b[i] = rnd.nextInt(5) == 0 ? a[i] : a[i] + (float) (Math.round(rnd.nextGaussian() * 4) / 512.0);
        }
        if (nonFinite && n > 0) {
            b[rnd.nextInt(n)] = Float.NaN;
            a[rnd.nextInt(n)] = Float.POSITIVE_INFINITY;
        }
        MemorySegment sa = MemorySegment.ofArray(new byte[n * at.byteSize()]);
        MemorySegment sb = MemorySegment.ofArray(new byte[n * bt.byteSize()]);
        FloatCodec.encode(at, a, 0, n, sa, 0);
        FloatCodec.encode(bt, b, 0, n, sb, 0);
        return new DeltaRange("w", 0, n, sa, at, sb, bt, null, null);
    }

    /** Δ bits of every element, computed one element at a time from the stored values. */
    private static int[] deltaBits(DeltaRange r) {
        int n = (int) r.numel();
        float[] a = new float[n];
        float[] b = new float[n];
        FloatCodec.decode(r.baseType(), r.base(), 0, a, 0, n);
        FloatCodec.decode(r.tunedType(), r.tuned(), 0, b, 0, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Float.floatToRawIntBits(Math.abs(b[i] - a[i]));
        }
        return out;
    }

    @Test
    void classifyAgreesWithAnElementByElementSortOnEveryKernelAndDtype() {
        Random rnd = new Random(11);
        DType[][] pairs = {{DType.BF16, DType.BF16}, {DType.F32, DType.F32}, {DType.F16, DType.F16}, {DType.BF16, DType.F32}};
        int[] sizes = {1, 2, 31, 63, 64, 65, 127, 4097, 65_536, 70_001, 262_144};
        for (DType[] types : pairs) {
            for (int n : sizes) {
                DeltaRange r = pair(rnd, n, types[0], types[1], rnd.nextBoolean());
                int[] bits = deltaBits(r);
                int[] sorted = bits.clone();
                Arrays.sort(sorted);
                int high = sorted[rnd.nextInt(n)];
                int low = rnd.nextBoolean() ? high : sorted[rnd.nextInt(n)];
                for (int[] t : new int[][]{{Math.min(low, high), high}, {0, NF}, {high, high}}) {
                    int words = (n + 63) / 64;
                    long[] gt = new long[words];
                    long[] ge = new long[words];
                    long[] mid = new long[words];
                    boolean nonFinite = false;
                    for (int i = 0; i < n; i++) {
                        int v = bits[i];
                        nonFinite |= v >= NF;
                        if (v > t[1]) {
                            gt[i >>> 6] |= 1L << i;
                        }
                        if (v >= t[1]) {
                            ge[i >>> 6] |= 1L << i;
                        } else if (v >= t[0]) {
                            mid[i >>> 6] |= 1L << i;
                        }
                    }
                    for (DeltaKernel kernel : List.of(DeltaKernel.scalar(), DeltaKernel.best())) {
                        long[] g = new long[words + 3];
                        long[] q = new long[words + 3];
                        long[] m = new long[words + 3];
                        // Stale bits from an earlier window must not survive.
                        Arrays.fill(g, -1L);
                        Arrays.fill(q, -1L);
                        Arrays.fill(m, -1L);
                        boolean reported = kernel.classify(r, t[0], t[1], new DeltaKernel.Scratch(), g, q, m);
                        String what = Arrays.toString(types) + " n " + n + " low " + Integer.toHexString(t[0]) + " high "
                                + Integer.toHexString(t[1]) + " " + kernel.getClass().getSimpleName();
                        assertArrayEquals(gt, Arrays.copyOf(g, words), "above, " + what);
                        assertArrayEquals(ge, Arrays.copyOf(q, words), "at least, " + what);
                        assertArrayEquals(mid, Arrays.copyOf(m, words), "between, " + what);
                        assertEquals(nonFinite, reported, "non-finite, " + what);
                    }
                }
            }
        }
    }

    @Test
    void containersFromBitSetsEqualBitmapsBuiltElementByElement() {
        Random rnd = new Random(5);
        RoaringBitmap built = new RoaringBitmap();
        RoaringBitmap expected = new RoaringBitmap();
        long start = 0;
        // Densities from empty to full, so both array and bitmap containers are made.
        for (double density : new double[]{0, 0.0001, 0.01, 0.0624, 0.0626, 0.3, 1}) {
            int n = 65_536 * (1 + rnd.nextInt(3)) - (density == 1 ? 7 : 0);
            long[] words = new long[(n + 63) / 64];
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < density) {
                    words[i >>> 6] |= 1L << i;
                    expected.add((int) (start + i));
                }
            }
            long count = Containers.append(built, start, words, n);
            assertEquals(Arrays.stream(words).map(Long::bitCount).sum(), count);
            start += (n + 65_535L) / 65_536 * 65_536 + 65_536L * rnd.nextInt(2);
        }
        assertEquals(expected, built);
        assertEquals(expected.getCardinality(), built.getCardinality());
        assertEquals(expected, roundTrip(built));
        assertArrayEquals(expected.toArray(), built.toArray());
    }

    /** The bitmap written in Roaring's portable format and read back: a malformed container would not survive. */
    private static RoaringBitmap roundTrip(RoaringBitmap b) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(b.serializedSizeInBytes());
        b.serialize(buf);
        RoaringBitmap back = new RoaringBitmap();
        try {
            back.deserialize(buf.flip());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return back;
    }

    @Test
    void unionOfContainersEqualsOrOfBitmaps() {
        Random rnd = new Random(9);
        for (int trial = 0; trial < 20; trial++) {
            List<RoaringBitmap> parts = new ArrayList<>();
            RoaringBitmap expected = new RoaringBitmap();
            for (int p = 0, parts_ = 1 + rnd.nextInt(4); p < parts_; p++) {
                RoaringBitmap b = new RoaringBitmap();
                for (int i = 0, m = rnd.nextInt(20_000); i < m; i++) {
                    b.add(rnd.nextInt(1 << 20) * (rnd.nextBoolean() ? 1 : 7));
                }
                if (rnd.nextBoolean()) {
                    b.add(rnd.nextInt(1 << 16), rnd.nextInt(1 << 16) + 70_000L);
                }
                expected.or(b);
                parts.add(b);
            }
            RoaringBitmap u = Containers.union(parts);
            assertEquals(expected, u, "trial " + trial);
            assertEquals(expected, roundTrip(u), "trial " + trial);
            assertArrayEquals(expected.toArray(), u.toArray(), "trial " + trial);
        }
    }

    @Test
    void windowsReadByPreadEqualTheBytesInMemory() {
        Random rnd = new Random(3);
        int n = (int) (Window.span(pair(rnd, 1, DType.F32, DType.F32, false)) * 2 + 777);
        DeltaRange mem = pair(rnd, n, DType.F32, DType.BF16, false);
        DeltaRange.Reader a = (off, dst) -> dst.put(mem.base().asSlice(off, dst.remaining()).asByteBuffer());
        DeltaRange.Reader b = (off, dst) -> dst.put(mem.tuned().asSlice(off, dst.remaining()).asByteBuffer());
        DeltaRange file = new DeltaRange("w", 1000, n, mem.base(), mem.baseType(), mem.tuned(), mem.tunedType(), a, b);
        Window window = new Window();
        int[] bits = deltaBits(mem);
        long span = Window.span(file);
        for (long from = 0; from < n; from += span) {
            DeltaRange w = window.load(file, from, Math.min(n, from + span));
            assertEquals(1000 + from, w.globalStart());
            int[] got = deltaBits(w);
            assertArrayEquals(Arrays.copyOfRange(bits, (int) from, (int) (from + w.numel())), got, "window at " + from);
        }
    }
}
