package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link PairKernel} with SIMD lanes (Vector API), bit-identical to it. BF16 pairs are read
 * straight from the tensors' bytes as 32-bit lanes: the even element is the lane shifted left by
 * 16, the odd one the lane with its low half cleared, so there is no decoding pass and no
 * widening conversion. The Gram block keeps its 32 accumulators per entry in two float vectors;
 * the merge converts to double, sums in task order and converts back to float32 in lanes.
 * Loaded only when {@code jdk.incubator.vector} is enabled.
 */
final class VectorPairKernel extends PairKernel {
    /** Gram: 16 int lanes, i.e. the 32 accumulators of {@link PairKernel}. */
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    /** Merge: 8 int lanes, whose 8 even and 8 odd floats widen to 8 double lanes each. */
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final int HIGH = 0xFFFF0000;

    @Override
    boolean usable() {
        return IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512 && I16.length() == LANES;
    }

    @Override
    void gram(MemorySegment[] tasks, int n, long from, int len, FusionScratch s) {
        if (n == 3) {
            gram3(tasks[0], tasks[1], tasks[2], from, len, s);
        } else {
            int p = 0;
            for (int j = 0; j < n; j++) {
                for (int k = j; k < n; k++, p++) {
                    gram2(tasks[j], tasks[k], from, len, s.facc[p]);
                    flush(s.facc[p], s.dacc[p]);
                }
            }
        }
    }

    /** One Gram entry of a block: 32 float accumulators, left in {@code acc}. */
    private static void gram2(MemorySegment a, MemorySegment b, long from, int len, float[] acc) {
        FloatVector e = FloatVector.zero(F16());
        FloatVector o = FloatVector.zero(F16());
        int pairs = len >> 1;
        int full = pairs & -LANES;
        long base = 2 * from;
        for (int i = 0; i < full; i += LANES) {
            IntVector va = IntVector.fromMemorySegment(I16, a, base + 4L * i, LE);
            IntVector vb = IntVector.fromMemorySegment(I16, b, base + 4L * i, LE);
            e = even16(va).fma(even16(vb), e);
            o = odd16(va).fma(odd16(vb), o);
        }
        e.intoArray(acc, 0);
        o.intoArray(acc, LANES);
        for (int k = 2 * full; k < len; k++) {
            acc[lane(k)] = Math.fma(bf16(a, from + k), bf16(b, from + k), acc[lane(k)]);
        }
    }

    /** The six entries of three tasks in one sweep: each pair of vectors loaded once. */
    private static void gram3(MemorySegment a, MemorySegment b, MemorySegment c, long from, int len, FusionScratch s) {
        FloatVector aaE = FloatVector.zero(F16()), aaO = FloatVector.zero(F16());
        FloatVector abE = aaE, abO = aaE, acE = aaE, acO = aaE, bbE = aaE, bbO = aaE, bcE = aaE, bcO = aaE, ccE = aaE, ccO = aaE;
        int pairs = len >> 1;
        int full = pairs & -LANES;
        long base = 2 * from;
        for (int i = 0; i < full; i += LANES) {
            long off = base + 4L * i;
            IntVector va = IntVector.fromMemorySegment(I16, a, off, LE);
            IntVector vb = IntVector.fromMemorySegment(I16, b, off, LE);
            IntVector vc = IntVector.fromMemorySegment(I16, c, off, LE);
            FloatVector ae = even16(va), ao = odd16(va), be = even16(vb), bo = odd16(vb), ce = even16(vc), co = odd16(vc);
            aaE = ae.fma(ae, aaE);
            aaO = ao.fma(ao, aaO);
            abE = ae.fma(be, abE);
            abO = ao.fma(bo, abO);
            acE = ae.fma(ce, acE);
            acO = ao.fma(co, acO);
            bbE = be.fma(be, bbE);
            bbO = bo.fma(bo, bbO);
            bcE = be.fma(ce, bcE);
            bcO = bo.fma(co, bcO);
            ccE = ce.fma(ce, ccE);
            ccO = co.fma(co, ccO);
        }
        float[][] acc = s.facc;
        store(aaE, aaO, acc[0]);
        store(abE, abO, acc[1]);
        store(acE, acO, acc[2]);
        store(bbE, bbO, acc[3]);
        store(bcE, bcO, acc[4]);
        store(ccE, ccO, acc[5]);
        for (int k = 2 * full; k < len; k++) {
            float x = bf16(a, from + k), y = bf16(b, from + k), z = bf16(c, from + k);
            int l = lane(k);
            acc[0][l] = Math.fma(x, x, acc[0][l]);
            acc[1][l] = Math.fma(x, y, acc[1][l]);
            acc[2][l] = Math.fma(x, z, acc[2][l]);
            acc[3][l] = Math.fma(y, y, acc[3][l]);
            acc[4][l] = Math.fma(y, z, acc[4][l]);
            acc[5][l] = Math.fma(z, z, acc[5][l]);
        }
        for (int p = 0; p < 6; p++) {
            flush(acc[p], s.dacc[p]);
        }
    }

    private static VectorSpecies<Float> F16() {
        return FloatVector.SPECIES_512;
    }

    private static void store(FloatVector even, FloatVector odd, float[] acc) {
        even.intoArray(acc, 0);
        odd.intoArray(acc, LANES);
    }

    // One pair of helpers per vector shape: a helper shared by both would see two receiver classes
    // in its type profile, and C2 then leaves the Vector API calls in it unintrinsified.

    private static FloatVector even16(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector odd16(IntVector pairs) {
        return pairs.and(HIGH).reinterpretAsFloats();
    }

    private static FloatVector even8(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector odd8(IntVector pairs) {
        return pairs.and(HIGH).reinterpretAsFloats();
    }

    private static float bf16(MemorySegment s, long e) {
        return Float.intBitsToFloat(s.get(LE_SHORT, 2 * e) << 16);
    }

    /**
     * The merged floats go to {@code s.o} in pair layout, then through {@link BlockCodec#encode}
     * (which C2 vectorises): one loop doing both is too large for C2 to inline the Vector API calls.
     */
    @Override
    void combine(MemorySegment[] tasks, int n, double[] c, long from, int len, MemorySegment out, long at, FusionScratch s) {
        int h = len >> 1;
        int full = h & -I8.length();
        long base = 2 * from;
        float[] o = s.o;
        if (n == 3) {
            combine3(tasks[0], tasks[1], tasks[2], c[0], c[1], c[2], base, full, h, o);
        } else {
            for (int i = 0; i < full; i += I8.length()) {
                long off = base + 4L * i;
                IntVector v = IntVector.fromMemorySegment(I8, tasks[0], off, LE);
                DoubleVector e = wide(even8(v)).mul(c[0]);
                DoubleVector od = wide(odd8(v)).mul(c[0]);
                for (int j = 1; j < n; j++) {
                    v = IntVector.fromMemorySegment(I8, tasks[j], off, LE);
                    e = e.add(wide(even8(v)).mul(c[j]));
                    od = od.add(wide(odd8(v)).mul(c[j]));
                }
                narrow(e).intoArray(o, i);
                narrow(od).intoArray(o, h + i);
            }
        }
        for (int k = 2 * full; k < len; k++) {
            double sum = c[0] * bf16(tasks[0], from + k);
            for (int j = 1; j < n; j++) {
                sum += c[j] * bf16(tasks[j], from + k);
            }
            o[BlockCodec.position(true, k, len)] = (float) sum;
        }
        BlockCodec.encode(true, DType.BF16, o, s.oView, len, out, at, s.bits);
    }

    private static void combine3(MemorySegment a, MemorySegment b, MemorySegment c, double ca, double cb, double cc, long base,
                                 int full, int h, float[] o) {
        for (int i = 0; i < full; i += I8.length()) {
            long off = base + 4L * i;
            IntVector va = IntVector.fromMemorySegment(I8, a, off, LE);
            IntVector vb = IntVector.fromMemorySegment(I8, b, off, LE);
            IntVector vc = IntVector.fromMemorySegment(I8, c, off, LE);
            narrow(wide(even8(va)).mul(ca).add(wide(even8(vb)).mul(cb)).add(wide(even8(vc)).mul(cc))).intoArray(o, i);
            narrow(wide(odd8(va)).mul(ca).add(wide(odd8(vb)).mul(cb)).add(wide(odd8(vc)).mul(cc))).intoArray(o, h + i);
        }
    }

    private static DoubleVector wide(FloatVector f) {
        return (DoubleVector) f.convertShape(VectorOperators.F2D, D8, 0);
    }

    private static FloatVector narrow(DoubleVector d) {
        return (FloatVector) d.convertShape(VectorOperators.D2F, F8, 0);
    }
}
