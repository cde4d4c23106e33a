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
 * shifts and masks, which C2 vectorises, and the int bits be reinterpreted as floats with a bulk
 * copy: about four times faster than {@link FloatCodec#decode}, whose per-element
 * {@code Float.intBitsToFloat} the JIT does not vectorise. Other dtypes use natural order and
 * {@link FloatCodec}. Values are identical either way; only the order differs.
 */
final class BlockCodec {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockCodec() {
    }

    /**
     * Per-thread integer scratch for one block, with heap-segment views made once (a view made per
     * call is not always scalar-replaced by the JIT).
     */
    static final class Bits {
        final int[] even;
        final int[] odd;
        final MemorySegment evenView;
        final MemorySegment oddView;
        final float[] natural;

        Bits(int block) {
            even = new int[(block + 1) / 2];
            odd = new int[(block + 1) / 2];
            evenView = MemorySegment.ofArray(even);
            oddView = MemorySegment.ofArray(odd);
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

    /** Decodes elements [elem, elem+len) of {@code src} into {@code dst[0..len)} in the block's layout. */
    static void decode(boolean pairs, DType dtype, MemorySegment src, long elem, float[] dst, int len, Bits t) {
        if (!pairs) {
            FloatCodec.decode(dtype, src, elem, dst, 0, len);
            return;
        }
        int h = len >> 1;
        MemorySegment s = src.asSlice(elem * 2, 2L * len);
        int[] even = t.even;
        int[] odd = t.odd;
        for (int i = 0; i < h; i++) {
            int v = s.getAtIndex(LE_INT, i); // element 2i in the low half, 2i+1 in the high half
            even[i] = v << 16;
            odd[i] = v & 0xffff0000;
        }
        MemorySegment.copy(t.evenView, ValueLayout.JAVA_FLOAT, 0, dst, 0, h);
        MemorySegment.copy(t.oddView, ValueLayout.JAVA_FLOAT, 0, dst, h, h);
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
        int[] packed = t.even;
        for (int i = 0; i < h; i++) {
            packed[i] = bf16(srcView.getAtIndex(ValueLayout.JAVA_INT, i)) | bf16(srcView.getAtIndex(ValueLayout.JAVA_INT, h + i)) << 16;
        }
        MemorySegment.copy(packed, 0, dst, LE_INT, elem * 2, h);
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
