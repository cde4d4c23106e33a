package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.tensor.FloatCodec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Moves one block of a tensor between its stored bytes and float32 working arrays.
 *
 * <p>Fusion is elementwise across the task models, so a block may be held in any order that is
 * the same for all of them. When every task tensor is BF16 the block is held in <em>pair
 * layout</em>: the elements at even offsets first, then those at odd offsets (and, for an odd
 * length, the last element last). That layout lets a BF16 pair be read as one int and split with
 * shifts and masks, stored as int bits through a heap segment over the float array, which C2
 * vectorises: about eight times faster in cache than {@link FloatCodec#decode}, whose per-element
 * {@code Float.intBitsToFloat} the JIT does not vectorise. Heap-segment views are made once per
 * array by the caller (a view made per call is not always scalar-replaced). Other dtypes use
 * natural order and {@link FloatCodec}. Values are identical either way; only the order differs.
 */
final class BlockCodec {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockCodec() {
    }

    /** Per-thread scratch for one block. */
    static final class Bits {
        final float[] natural;

        Bits(int block) {
            natural = new float[block];
        }
    }

    /** Where element offset {@code k} of a block of {@code len} sits in the working arrays. */
    static int position(boolean pairs, int k, int len) {
        if (!pairs) {
            return k;
        }
        int h = len >> 1;
        if (k == 2 * h) {
            return k; // the odd last element
        }
        return (k >> 1) + (-(k & 1) & h); // even offsets to the first half, odd ones to the second, without a branch
    }

    /**
     * Decodes elements [elem, elem+len) of {@code src} into {@code dst[0..len)} in the block's layout.
     *
     * @param dstView a heap segment over {@code dst}: BF16 bits shifted into place are stored through it
     *                as ints, which vectorises where {@code Float.intBitsToFloat} does not
     */
    static void decode(boolean pairs, DType dtype, MemorySegment src, long elem, float[] dst, MemorySegment dstView, int len) {
        if (!pairs) {
            FloatCodec.decode(dtype, src, elem, dst, 0, len);
            return;
        }
        int h = len >> 1;
        MemorySegment s = src.asSlice(elem * 2, 2L * len);
        // Each int holds element 2i in its low half and 2i+1 in its high half. Two plain loops,
        // one per half, vectorise; one loop storing both halves does not.
        for (int i = 0; i < h; i++) {
            dstView.setAtIndex(ValueLayout.JAVA_INT, i, s.getAtIndex(LE_INT, i) << 16);
        }
        for (int i = 0; i < h; i++) {
            dstView.setAtIndex(ValueLayout.JAVA_INT, h + i, s.getAtIndex(LE_INT, i) & 0xffff0000);
        }
        if ((len & 1) != 0) {
            dst[len - 1] = Float.intBitsToFloat(s.getAtIndex(FloatCodec.LE_SHORT, len - 1) << 16);
        }
    }

    /**
     * Encodes {@code src[0..len)}, held in the block's layout, into elements [elem, elem+len) of {@code dst}.
     *
     * @param srcView a heap segment over {@code src}: its floats are read as int bits through it, which
     *                vectorises where {@code Float.floatToRawIntBits} or an int[] copy does not
     */
    static void encode(boolean pairs, DType dtype, float[] src, MemorySegment srcView, int len, MemorySegment dst, long elem, Bits t) {
        if (!pairs) {
            FloatCodec.encode(dtype, src, 0, len, dst, elem);
            return;
        }
        int h = len >> 1;
        if (dtype != DType.BF16) {
            float[] nat = t.natural;
            for (int i = 0; i < h; i++) {
                nat[2 * i] = src[i];
                nat[2 * i + 1] = src[h + i];
            }
            if ((len & 1) != 0) {
                nat[len - 1] = src[len - 1];
            }
            FloatCodec.encode(dtype, nat, 0, len, dst, elem);
            return;
        }
        // Stored straight into the destination through a slice of exactly the pairs written, which C2
        // vectorises (a packed int[] copied over afterwards costs a pass more).
        MemorySegment d = dst.asSlice(elem * 2, 4L * h);
        for (int i = 0; i < h; i++) {
            d.setAtIndex(LE_INT, i, bf16(srcView.getAtIndex(ValueLayout.JAVA_INT, i)) | bf16(srcView.getAtIndex(ValueLayout.JAVA_INT, h + i)) << 16);
        }
        if ((len & 1) != 0) {
            dst.set(FloatCodec.LE_SHORT, (elem + len - 1) * 2, FloatCodec.floatToBf16(src[len - 1]));
        }
    }

    /**
     * {@link FloatCodec#floatToBf16} on the float's bits, without a branch so the loop vectorises:
     * round to nearest even; a NaN stays a quiet NaN of the same sign.
     */
    static int bf16(int x) {
        int rounded = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
        int nan = (x >>> 16) | 0x0040;
        int isNan = (0x7f800000 - (x & 0x7fffffff)) >> 31; // all ones exactly when |x| is above infinity's bits
        return ((rounded & ~isNan) | (nan & isNan)) & 0xffff;
    }
}
