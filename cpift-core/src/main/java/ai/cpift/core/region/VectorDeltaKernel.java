package ai.cpift.core.region;

import ai.cpift.core.safetensors.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
    private static final int LANES = INTS.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long EVEN_BITS = 0x5555_5555_5555_5555L;
    private static final long ODD_BITS = 0xAAAA_AAAA_AAAA_AAAAL;

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

    /**
     * bf16 pairs read as 32-bit lanes: lane j holds elements 2j (low half) and 2j+1 (high half), so
     * a float is one mask or one shift away, and one load covers twice as many elements as a
     * widening conversion would.
     */
    private static boolean collectBf16(DeltaRange r, long from, long to, int minBits, Scratch s, Sink sink) {
        IntVector threshold = IntVector.broadcast(INTS, minBits);
        int span = 2 * LANES;
        long i = from;
        if ((i & 1) != 0 && i < to) {
            // Pairs start at even elements; an odd start is finished by the scalar path.
            if (!DeltaKernel.scalar().collect(r, i, i + 1, minBits, s, sink)) {
                return false;
            }
            i++;
        }
        for (; i + span <= to; i += span) {
            IntVector a = IntVector.fromMemorySegment(INTS, r.base(), 2 * i, LE);
            IntVector b = IntVector.fromMemorySegment(INTS, r.tuned(), 2 * i, LE);
            IntVector even = b.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                    .sub(a.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()).reinterpretAsInts().and(0x7FFFFFFF);
            IntVector odd = b.and(0xFFFF0000).reinterpretAsFloats()
                    .sub(a.and(0xFFFF0000).reinterpretAsFloats()).reinterpretAsInts().and(0x7FFFFFFF);
            VectorMask<Integer> hitEven = even.compare(VectorOperators.GE, threshold);
            VectorMask<Integer> hitOdd = odd.compare(VectorOperators.GE, threshold);
            if (hitEven.anyTrue() || hitOdd.anyTrue()) {
                // Vectors never cross a call: passed to a method that is not inlined, C2 would box them
                // on every iteration, not just on the rare ones with a hit.
                even.intoArray(s.bits, 0);
                odd.intoArray(s.bits, LANES);
                if (!emitPairs(hitEven.toLong(), hitOdd.toLong(), r.globalStart() + i, s.bits, sink)) {
                    return false;
                }
            }
        }
        return i >= to || DeltaKernel.scalar().collect(r, i, to, minBits, s, sink);
    }

    @Override
    boolean classify(DeltaRange w, int low, int high, Scratch s, long[] gt, long[] ge, long[] mid) {
        if (64 % (2 * LANES) != 0) {
            // Vectors whose elements do not tile a word (no x86 or NEON size does) take the plain path.
            return super.classify(w, low, high, s, gt, ge, mid);
        }
        if (w.baseType() == DType.BF16 && w.tunedType() == DType.BF16) {
            return classifyBf16(w, low, high, s, gt, ge, mid);
        }
        if (w.baseType() == DType.F32 && w.tunedType() == DType.F32) {
            return classifyF32(w, low, high, s, gt, ge, mid);
        }
        return super.classify(w, low, high, s, gt, ge, mid);
    }

    /**
     * The bf16 pairs of {@link #collectBf16}, sorted into bit sets without a branch per vector:
     * lane masks go to the sets' words through {@link Long#expand}, which puts even elements'
     * bits at even positions and odd elements' at odd ones (PDEP on x86).
     */
    private static boolean classifyBf16(DeltaRange w, int low, int high, Scratch s, long[] gt, long[] ge, long[] mid) {
        IntVector lowV = IntVector.broadcast(INTS, low);
        IntVector highV = IntVector.broadcast(INTS, high);
        IntVector max = IntVector.zero(INTS);
        int span = 2 * LANES;
        long n = w.numel();
        long g = 0;
        long q = 0;
        long m = 0;
        long i = 0;
        for (; i + span <= n; i += span) {
            IntVector a = IntVector.fromMemorySegment(INTS, w.base(), 2 * i, LE);
            IntVector b = IntVector.fromMemorySegment(INTS, w.tuned(), 2 * i, LE);
            IntVector even = b.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                    .sub(a.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()).reinterpretAsInts().and(0x7FFFFFFF);
            IntVector odd = b.and(0xFFFF0000).reinterpretAsFloats()
                    .sub(a.and(0xFFFF0000).reinterpretAsFloats()).reinterpretAsInts().and(0x7FFFFFFF);
            max = max.max(even).max(odd);
            VectorMask<Integer> gtE = even.compare(VectorOperators.GT, highV);
            VectorMask<Integer> gtO = odd.compare(VectorOperators.GT, highV);
            VectorMask<Integer> geE = even.compare(VectorOperators.GE, highV);
            VectorMask<Integer> geO = odd.compare(VectorOperators.GE, highV);
            VectorMask<Integer> midE = even.compare(VectorOperators.GE, lowV).andNot(geE);
            VectorMask<Integer> midO = odd.compare(VectorOperators.GE, lowV).andNot(geO);
            int shift = (int) (i & 63);
            g |= (Long.expand(gtE.toLong(), EVEN_BITS) | Long.expand(gtO.toLong(), ODD_BITS)) << shift;
            q |= (Long.expand(geE.toLong(), EVEN_BITS) | Long.expand(geO.toLong(), ODD_BITS)) << shift;
            m |= (Long.expand(midE.toLong(), EVEN_BITS) | Long.expand(midO.toLong(), ODD_BITS)) << shift;
            if (shift + span == 64) {
                int word = (int) (i >>> 6);
                gt[word] = g;
                ge[word] = q;
                mid[word] = m;
                g = 0;
                q = 0;
                m = 0;
            }
        }
        return finish(w, i, low, high, s, gt, ge, mid, g, q, m, max.reduceLanes(VectorOperators.MAX) >= NON_FINITE);
    }

    private static boolean classifyF32(DeltaRange w, int low, int high, Scratch s, long[] gt, long[] ge, long[] mid) {
        IntVector lowV = IntVector.broadcast(INTS, low);
        IntVector highV = IntVector.broadcast(INTS, high);
        IntVector max = IntVector.zero(INTS);
        int lanes = FLOATS.length();
        long n = w.numel();
        long g = 0;
        long q = 0;
        long m = 0;
        long i = 0;
        for (; i + lanes <= n; i += lanes) {
            FloatVector a = FloatVector.fromMemorySegment(FLOATS, w.base(), 4 * i, LE);
            FloatVector b = FloatVector.fromMemorySegment(FLOATS, w.tuned(), 4 * i, LE);
            IntVector d = b.sub(a).reinterpretAsInts().and(0x7FFFFFFF);
            max = max.max(d);
            VectorMask<Integer> gtM = d.compare(VectorOperators.GT, highV);
            VectorMask<Integer> geM = d.compare(VectorOperators.GE, highV);
            VectorMask<Integer> midM = d.compare(VectorOperators.GE, lowV).andNot(geM);
            int shift = (int) (i & 63);
            g |= gtM.toLong() << shift;
            q |= geM.toLong() << shift;
            m |= midM.toLong() << shift;
            if (shift + lanes == 64) {
                int word = (int) (i >>> 6);
                gt[word] = g;
                ge[word] = q;
                mid[word] = m;
                g = 0;
                q = 0;
                m = 0;
            }
        }
        return finish(w, i, low, high, s, gt, ge, mid, g, q, m, max.reduceLanes(VectorOperators.MAX) >= NON_FINITE);
    }

    /**
     * Stores the partly filled word the vector loop stopped in (elements from i on are still
     * unset) and classifies the last elements one at a time.
     */
    private static boolean finish(DeltaRange w, long i, int low, int high, Scratch s, long[] gt, long[] ge, long[] mid,
                                  long g, long q, long m, boolean nonFinite) {
        long n = w.numel();
        int word = (int) (i >>> 6);
        int words = (int) ((n + 63) >>> 6);
        if (word == words) {
            return nonFinite;
        }
        // A vector covers a divisor of 64 elements and the loop stopped less than one vector short of
        // n, so the elements left all lie in this one word.
        gt[word] = g;
        ge[word] = q;
        mid[word] = m;
        return DeltaKernel.scalar().classifyScalar(w, i, low, high, s, gt, ge, mid) | nonFinite;
    }

    /** Emits hits of a pair vector in element order: lane j's even element, then its odd one. */
    private static boolean emitPairs(long evenHits, long oddHits, long global, int[] lanes, Sink sink) {
        long any = evenHits | oddHits;
        while (any != 0) {
            int lane = Long.numberOfTrailingZeros(any);
            long bit = 1L << lane;
            if ((evenHits & bit) != 0 && !sink.add(global + 2L * lane, lanes[lane])) {
                return false;
            }
            if ((oddHits & bit) != 0 && !sink.add(global + 2L * lane + 1, lanes[LANES + lane])) {
                return false;
            }
            any &= any - 1;
        }
        return true;
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
            if (hit.anyTrue()) {
                d.intoArray(s.bits, 0);
                if (!emit(hit.toLong(), r.globalStart() + i, s.bits, sink)) {
                    return false;
                }
            }
        }
        return i >= to || DeltaKernel.scalar().collect(r, i, to, minBits, s, sink);
    }

    /** Hands the lanes that passed to the sink; the lanes go through an array, far cheaper than lane(i). */
    private static boolean emit(long lanesHit, long global, int[] lanes, Sink sink) {
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
