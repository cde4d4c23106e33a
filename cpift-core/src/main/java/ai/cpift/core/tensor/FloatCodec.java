package ai.cpift.core.tensor;

import ai.cpift.core.safetensors.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Conversion between the floating dtypes of safetensors (little-endian) and float32.
 * BF16 is handled here rather than by DJL, which aborts the JVM on BF16.
 */
public final class FloatCodec {
    public static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FloatCodec() {
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** float32 to bfloat16 with round-to-nearest-even; NaN stays a (quiet) NaN of the same sign. */
    public static short floatToBf16(float f) {
        int b = Float.floatToRawIntBits(f);
        if ((b & 0x7fffffff) > 0x7f800000) {
            return (short) ((b >>> 16) | 0x0040);
        }
        return (short) ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
    }

    /** Element {@code elem} of {@code src} as float32: {@link #decode} of one element, without its set-up. */
    public static float decodeOne(DType dtype, MemorySegment src, long elem) {
        return switch (dtype) {
            case BF16 -> Float.intBitsToFloat(src.get(LE_SHORT, elem * 2) << 16);
            case F16 -> Float.float16ToFloat(src.get(LE_SHORT, elem * 2));
            case F32 -> src.get(LE_FLOAT, elem * 4);
            case F64 -> (float) src.get(LE_DOUBLE, elem * 8);
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not floating; it cannot be read as float32");
        };
    }

    /**
     * Decodes {@code len} elements starting at element {@code elem} of {@code src} into {@code dst[off..]}.
     * The loops index a slice of exactly the elements read, which lets the JIT hoist the bounds checks
     * (about 1.7 times faster for BF16 than indexing the whole tensor).
     */
    public static void decode(DType dtype, MemorySegment src, long elem, float[] dst, int off, int len) {
        switch (dtype) {
            case BF16 -> {
                MemorySegment s = src.asSlice(elem * 2, 2L * len);
                for (int i = 0; i < len; i++) {
                    dst[off + i] = Float.intBitsToFloat(s.getAtIndex(LE_SHORT, i) << 16);
                }
            }
            case F16 -> {
                MemorySegment s = src.asSlice(elem * 2, 2L * len);
                for (int i = 0; i < len; i++) {
                    dst[off + i] = Float.float16ToFloat(s.getAtIndex(LE_SHORT, i));
                }
            }
            case F32 -> MemorySegment.copy(src, LE_FLOAT, elem * 4, dst, off, len);
            case F64 -> {
                MemorySegment s = src.asSlice(elem * 8, 8L * len);
                for (int i = 0; i < len; i++) {
                    dst[off + i] = (float) s.getAtIndex(LE_DOUBLE, i);
                }
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not floating; it cannot be read as float32");
        }
    }

    /** Encodes {@code src[off..off+len)} into {@code dst} at element {@code elem}, rounding to the dtype. */
    public static void encode(DType dtype, float[] src, int off, int len, MemorySegment dst, long elem) {
        switch (dtype) {
            case BF16 -> {
                long p = elem * 2;
                for (int i = 0; i < len; i++) {
                    dst.set(LE_SHORT, p + 2L * i, floatToBf16(src[off + i]));
                }
            }
            case F16 -> {
                long p = elem * 2;
                for (int i = 0; i < len; i++) {
                    dst.set(LE_SHORT, p + 2L * i, Float.floatToFloat16(src[off + i]));
                }
            }
            case F32 -> MemorySegment.copy(src, off, dst, LE_FLOAT, elem * 4, len);
            case F64 -> {
                long p = elem * 8;
                for (int i = 0; i < len; i++) {
                    dst.set(LE_DOUBLE, p + 8L * i, src[off + i]);
                }
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not floating; float32 values cannot be written as it");
        }
    }
}
