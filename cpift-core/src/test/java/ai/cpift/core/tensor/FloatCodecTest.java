package ai.cpift.core.tensor;

import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every 16-bit pattern decoded at an offset, against the value its bit fields define. */
class FloatCodecTest {

    /** bfloat16 from its fields: sign, 8 exponent bits (bias 127), 7 fraction bits. */
    static float bf16Value(int bits) {
        int sign = (bits >>> 15) & 1;
        int exp = (bits >>> 7) & 0xff;
        int frac = bits & 0x7f;
        double v;
        if (exp == 0xff) {
            v = frac == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exp == 0) {
            v = Math.scalb(frac / 128.0, -126);
        } else {
            v = Math.scalb(1 + frac / 128.0, exp - 127);
        }
        return (float) (sign == 1 ? -v : v);
    }

    @Test
    void decodesEveryBf16AndF16PatternAtAnOffset() {
        int n = 1 << 16;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2L * (n + 3));
            for (int i = 0; i < n; i++) {
                seg.set(FloatCodec.LE_SHORT, 2L * (i + 3), (short) i);
            }
            float[] out = new float[n + 5];
            FloatCodec.decode(DType.BF16, seg, 3, out, 5, n);
            for (int i = 0; i < n; i++) {
                float want = bf16Value(i);
                assertEquals(Float.isNaN(want) ? "NaN" : Float.toString(want), Float.isNaN(out[5 + i]) ? "NaN" : Float.toString(out[5 + i]),
                        "bf16 0x" + Integer.toHexString(i));
            }
            FloatCodec.decode(DType.F16, seg, 3, out, 5, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.float16ToFloat((short) i), out[5 + i], "f16 0x" + Integer.toHexString(i));
            }
        }
    }

    @Test
    void decodesF64AtAnOffset() {
        try (Arena arena = Arena.ofConfined()) {
            double[] values = {0, -1.5, Math.PI, 1e300, -1e-300};
            MemorySegment seg = arena.allocate(8L * (values.length + 2));
            for (int i = 0; i < values.length; i++) {
                seg.set(FloatCodec.LE_DOUBLE, 8L * (i + 2), values[i]);
            }
            float[] out = new float[values.length + 1];
            FloatCodec.decode(DType.F64, seg, 2, out, 1, values.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals((float) values[i], out[i + 1]);
            }
        }
    }
}
