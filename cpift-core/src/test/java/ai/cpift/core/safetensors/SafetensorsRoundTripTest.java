package ai.cpift.core.safetensors;

import ai.cpift.core.tensor.FloatCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void writesTheReferenceLayoutByteForByte() throws Exception {
        // Hand-built file: header {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} padded to 8 bytes.
        Path f = dir.resolve("a.safetensors");
        try (var w = SafetensorsWriter.create(f, List.of(new TensorSpec("a", DType.F32, new long[]{2})), Map.of())) {
            w.writeFloats("a", new float[]{1.0f, -2.5f});
            w.commit();
        }
        byte[] bytes = Files.readAllBytes(f);
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(padded, b.getLong());
        byte[] h = new byte[padded];
        b.get(h);
        assertEquals(json + " ".repeat(padded - json.length()), new String(h, StandardCharsets.UTF_8));
        assertEquals(1.0f, b.getFloat());
        assertEquals(-2.5f, b.getFloat());
        assertEquals(bytes.length, b.position());
    }

    @Test
    void roundTripsEveryDtypeAndPassesIntegersThrough() throws Exception {
        Path f = dir.resolve("m.safetensors");
        float[] vals = {0f, 1f, -1.5f, 3.140625f, 2048f, 0x1p-10f}; // exact in every dtype
        long[] ints = {Long.MIN_VALUE, -1, 0, 7, Long.MAX_VALUE};
        List<TensorSpec> specs = List.of(
                new TensorSpec("w.bf16", DType.BF16, new long[]{2, 3}),
                new TensorSpec("w.f16", DType.F16, new long[]{6}),
                new TensorSpec("w.f32", DType.F32, new long[]{3, 2}),
                new TensorSpec("w.f64", DType.F64, new long[]{6}),
                new TensorSpec("ids", DType.I64, new long[]{5}),
                new TensorSpec("scalar", DType.F32, new long[]{}));
        try (var w = SafetensorsWriter.create(f, specs, Map.of("format", "pt"))) {
            for (String n : List.of("w.bf16", "w.f16", "w.f32", "w.f64")) {
                w.writeFloats(n, vals);
            }
            MemorySegment idSeg = w.tensor("ids");
            for (int i = 0; i < ints.length; i++) {
                idSeg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, ints[i]);
            }
            w.writeFloats("scalar", new float[]{42f});
            w.commit();
        }
        try (var r = SafetensorsFile.open(f)) {
            assertEquals(List.of("ids", "scalar", "w.bf16", "w.f16", "w.f32", "w.f64"), r.names());
            assertEquals(Map.of("format", "pt"), r.metadata());
            for (String n : List.of("w.bf16", "w.f16", "w.f32", "w.f64")) {
                TensorInfo t = r.tensor(n);
                float[] back = new float[6];
                FloatCodec.decode(t.dtype(), r.data(t), 0, back, 0, 6);
                assertArrayEquals(vals, back, n);
            }
            TensorInfo id = r.tensor("ids");
            long[] back = r.data(id).toArray(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            assertArrayEquals(ints, back);
            assertEquals(1, r.tensor("scalar").numel());
            assertArrayEquals(new long[]{2, 3}, r.tensor("w.bf16").shape());
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 lies exactly between bf16 neighbours 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
        assertEquals(0x3F80, FloatCodec.floatToBf16(1f + 0x1p-8f) & 0xffff);
        // 1 + 3*2^-8 lies between 1+2^-7 (odd) and 1+2^-6 (even): ties go up to 1+2^-6.
        assertEquals(0x3F82, FloatCodec.floatToBf16(1f + 3 * 0x1p-8f) & 0xffff);
        // Just above the midpoint rounds up.
        assertEquals(0x3F81, FloatCodec.floatToBf16(Math.nextUp(1f + 0x1p-8f)) & 0xffff);
        // Overflow to infinity, NaN stays NaN, negative zero keeps its sign.
        assertEquals(0x7F80, FloatCodec.floatToBf16(Float.MAX_VALUE) & 0xffff);
        assertTrue(Float.isNaN(FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(Float.NaN))));
        assertEquals(0x8000, FloatCodec.floatToBf16(-0f) & 0xffff);
    }

    @Test
    void uncommittedWriterLeavesNothingBehind() throws Exception {
        Path f = dir.resolve("x.safetensors");
        try (var w = SafetensorsWriter.create(f, List.of(new TensorSpec("a", DType.F32, new long[]{4})), Map.of())) {
            w.writeFloats("a", new float[4]);
        }
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void positionalWritesLandInTheirTensorFromManyThreadsAndStayInBounds() throws Exception {
        Path f = dir.resolve("p.safetensors");
        int n = 100_000;
        List<TensorSpec> specs = List.of(new TensorSpec("head", DType.F32, new long[]{3}),
                new TensorSpec("big", DType.BF16, new long[]{n}), new TensorSpec("tail", DType.I64, new long[]{2}));
        byte[] want = new byte[2 * n];
        new java.util.Random(5).nextBytes(want);
        try (var w = SafetensorsWriter.create(f, specs, Map.of())) {
            w.writeFloats("head", new float[]{1, 2, 3});
            w.tensor("big");
            w.tensor("tail").set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);
            // pieces of odd sizes written out of order by several threads
            java.util.List<java.util.concurrent.Callable<Void>> jobs = new java.util.ArrayList<>();
            for (int off = 0; off < want.length; off += 7777) {
                int o = off;
                int len = Math.min(7777, want.length - off);
                jobs.add(() -> {
                    w.write("big", o, MemorySegment.ofArray(want).asSlice(o, len));
                    return null;
                });
            }
            java.util.Collections.reverse(jobs);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                for (var r : pool.invokeAll(jobs)) {
                    r.get();
                }
            } finally {
                pool.shutdown();
            }
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> w.write("head", 8, MemorySegment.ofArray(new byte[8])));
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> w.write("head", -1, MemorySegment.ofArray(new byte[1])));
            w.commit();
        }
        try (SafetensorsFile r = SafetensorsFile.open(f)) {
            MemorySegment big = r.data(r.tensor("big"));
            assertArrayEquals(want, big.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            assertEquals(3f, r.data(r.tensor("head")).get(FloatCodec.LE_FLOAT, 8));
            assertEquals(42L, r.data(r.tensor("tail")).get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }
}
