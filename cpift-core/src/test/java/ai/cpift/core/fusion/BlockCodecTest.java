package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.tensor.FloatCodec;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pair layout reads and writes exactly what FloatCodec does, only in another order. */
class BlockCodecTest {

    @Test
    void branchFreeRoundingMatchesFloatCodecOnEveryKindOfValue() {
        Random r = new Random(9);
        int[] special = {0, 0x80000000, 0x7f800000, 0xff800000, 0x7f800001, 0xff800001, 0x7fc00000, 0x7fffffff, 0xffffffff,
                0x7f7fffff, 0xff7fffff, 0x00000001, 0x00008000, 0x00018000, 0x3f808000, 0x3f818000, 0x3f807fff};
        for (int bits : special) {
            assertEquals(FloatCodec.floatToBf16(Float.intBitsToFloat(bits)) & 0xffff, BlockCodec.bf16(bits), Integer.toHexString(bits));
        }
        for (int i = 0; i < 2_000_000; i++) {
            int bits = r.nextInt();
            assertEquals(FloatCodec.floatToBf16(Float.intBitsToFloat(bits)) & 0xffff, BlockCodec.bf16(bits), Integer.toHexString(bits));
        }
    }

    @Test
    void pairLayoutRoundTripsOddAndEvenBlocksAtAnyOffset() {
        Random r = new Random(4);
        try (Arena arena = Arena.ofConfined()) {
            for (int len : new int[]{1, 2, 7, 64, 1023, 4096}) {
                long elem = 3;
                MemorySegment src = arena.allocate(2L * (len + 8));
                for (long i = 0; i < len + 8; i++) {
                    src.set(FloatCodec.LE_SHORT, 2 * i, (short) r.nextInt());
                }
                float[] natural = new float[len];
                FloatCodec.decode(DType.BF16, src, elem, natural, 0, len);
                BlockCodec.Bits bits = new BlockCodec.Bits(4096);
                float[] block = new float[4096];
                BlockCodec.decode(true, DType.BF16, src, elem, block, MemorySegment.ofArray(block), len);
                for (int k = 0; k < len; k++) {
                    assertEquals(Float.floatToRawIntBits(natural[k]), Float.floatToRawIntBits(block[BlockCodec.position(true, k, len)]),
                            "len " + len + " element " + k);
                }
                for (DType out : new DType[]{DType.BF16, DType.F32}) {
                    MemorySegment viaPairs = arena.allocate(out.byteSize() * (len + 8L));
                    MemorySegment viaCodec = arena.allocate(out.byteSize() * (len + 8L));
                    BlockCodec.encode(true, out, block, MemorySegment.ofArray(block), len, viaPairs, elem, bits);
                    FloatCodec.encode(out, natural, 0, len, viaCodec, elem);
                    assertEquals(-1, viaPairs.mismatch(viaCodec), "len " + len + " " + out);
                }
            }
        }
    }
}
