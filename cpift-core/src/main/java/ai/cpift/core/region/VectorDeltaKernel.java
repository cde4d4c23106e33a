package ai.cpift.core.region;

import ai.cpift.core.safetensors.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * The scan of the core-region stage with SIMD lanes (Vector API): for bf16 or f32 pairs it
 * computes Δ and compares it with the threshold a whole vector at a time, and only touches
 * single elements in the rare vectors holding a candidate. This is what lets one scan run near
 * the speed of reading the two files. Loaded only when {@code jdk.incubator.vector} is enabled.
 */
final class VectorDeltaKernel extends DeltaKernel {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));
    private static final int LANES = INTS.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Override
    boolean collect(DeltaRange r, long from, long to, int minBits, Scratch s, Sink sink) {
        if (r.baseType() == DType.BF16 && r.tunedType() == DType.BF16) {
            return collectBf16(r, from, to, minBits, s, sink);
        }
        if (r.baseType() == DType.F32 && r.tunedType() == DType.F32) {
            return collectF32(r, from, to, minBits, s, sink);
        }
        return super.collect(r, from, to, minBits, s, sink);
    }

    private static boolean collectBf16(DeltaRange r, long from, long to, int minBits, Scratch s, Sink sink) {
        IntVector threshold = IntVector.broadcast(INTS, minBits);
        long i = from;
        for (; i + LANES <= to; i += LANES) {
            ShortVector a = ShortVector.fromMemorySegment(SHORTS, r.base(), 2 * i, LE);
            ShortVector b = ShortVector.fromMemorySegment(SHORTS, r.tuned(), 2 * i, LE);
            FloatVector fa = ((IntVector) a.convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
            FloatVector fb = ((IntVector) b.convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
            IntVector d = fb.sub(fa).reinterpretAsInts().and(0x7FFFFFFF);
            VectorMask<Integer> hit = d.compare(VectorOperators.GE, threshold);
            if (hit.anyTrue() && !emit(d, hit, r.globalStart() + i, s.bits, sink)) {
                return false;
            }
        }
        return i >= to || DeltaKernel.scalar().collect(r, i, to, minBits, s, sink);
    }

    private static boolean collectF32(DeltaRange r, long from, long to, int minBits, Scratch s, Sink sink) {
        IntVector threshold = IntVector.broadcast(INTS, minBits);
        int lanes = FLOATS.length();
        long i = from;
        for (; i + lanes <= to; i += lanes) {
            FloatVector a = FloatVector.fromMemorySegment(FLOATS, r.base(), 4 * i, LE);
            FloatVector b = FloatVector.fromMemorySegment(FLOATS, r.tuned(), 4 * i, LE);
            IntVector d = b.sub(a).reinterpretAsInts().and(0x7FFFFFFF);
            VectorMask<Integer> hit = d.compare(VectorOperators.GE, threshold);
            if (hit.anyTrue() && !emit(d, hit, r.globalStart() + i, s.bits, sink)) {
                return false;
            }
        }
        return i >= to || DeltaKernel.scalar().collect(r, i, to, minBits, s, sink);
    }

    /** Hands the lanes that passed to the sink; the lanes go through an array, far cheaper than lane(i). */
    private static boolean emit(IntVector d, VectorMask<Integer> hit, long global, int[] lanes, Sink sink) {
        d.intoArray(lanes, 0);
        long lanesHit = hit.toLong();
        while (lanesHit != 0) {
            int lane = Long.numberOfTrailingZeros(lanesHit);
            if (!sink.add(global + lane, lanes[lane])) {
                return false;
            }
            lanesHit &= lanesHit - 1;
        }
        return true;
    }
}
