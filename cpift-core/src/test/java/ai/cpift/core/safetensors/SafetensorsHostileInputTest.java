package ai.cpift.core.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile and corrupt safetensors files must be refused with a {@link SafetensorsFormatException}
 * whose message names the file, the problem and the fix, and never with an OOM, another
 * exception type, a crash or a hang. Explicit cases pin the message for each kind of damage;
 * {@link SafetensorsFuzzTest} checks the same contract on thousands of damaged files.
 */
class SafetensorsHostileInputTest {
    @TempDir
    Path dir;

    private int caseNo;

    // ---------------------------------------------------------------- helpers

    /** 8-byte little-endian length n, then {@code rest}. */
    private static byte[] withLength(long n, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(rest);
        return b.array();
    }

    /** A file whose header is exactly {@code json} (length field matching) followed by {@code dataBytes} zero bytes. */
    private static byte[] file(String json, int dataBytes) {
        return file(json.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static byte[] file(byte[] json, int dataBytes) {
        byte[] rest = new byte[json.length + dataBytes];
        System.arraycopy(json, 0, rest, 0, json.length);
        return withLength(json.length, rest);
    }

    private Path write(byte[] bytes) throws IOException {
        Path f = dir.resolve("case-" + (caseNo++) + ".safetensors");
        Files.write(f, bytes);
        return f;
    }

    /** Asserts the file is refused with a SafetensorsFormatException naming the file and containing every fragment. */
    private SafetensorsFormatException rejects(byte[] bytes, String... fragments) throws IOException {
        Path f = write(bytes);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> {
            try (SafetensorsFile r = SafetensorsFile.open(f)) {
                fail("opened a file that should be refused: " + r.tensors());
            }
        });
        String m = e.getMessage();
        assertTrue(m.startsWith(f + ": "), () -> "message does not start with the file: " + m);
        for (String frag : fragments) {
            assertTrue(m.contains(frag), () -> "message lacks '" + frag + "': " + m);
        }
        // Parser internals are no help to a user: no advice to enable Jackson features.
        assertFalse(m.contains("StreamReadConstraints") || m.contains("JsonReadFeature") || m.contains("StreamReadFeature"),
                () -> "message leaks parser configuration: " + m);
        return e;
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private static String obj(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    private SafetensorsFile opens(byte[] bytes) throws IOException {
        return SafetensorsFile.open(write(bytes));
    }

    // ---------------------------------------------------------------- the 8-byte length and the file size

    @Test
    void fileShorterThanTheLengthField() throws Exception {
        for (int n = 0; n < 8; n++) {
            rejects(new byte[n], "file has " + n + " bytes", "8-byte header length");
        }
    }

    @Test
    void absurdHeaderLengths() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        rejects(withLength(Long.MAX_VALUE, body), "header length field says 9223372036854775807", "cap");
        rejects(withLength(-1L, body), "header length field says 18446744073709551615", "cap");
        rejects(withLength(Long.MIN_VALUE, body), "header length field says 9223372036854775808", "cap");
        rejects(withLength(100_000_001L, body), "header length field says 100000001", "cap");
        rejects(withLength(200L * 1024 * 1024, body), "header length field says 209715200", "cap");
        rejects(withLength(3, body), "header length field says 3", "only 2 bytes follow it", "truncated");
        rejects(withLength(1000, body), "header length field says 1000", "only 2 bytes follow it");
        rejects(withLength(0, body), "header length field says 0", "at least 2");
        rejects(withLength(1, body), "header length field says 1", "at least 2");
    }

    @Test
    void headerOverTheCapIsRefusedBeforeAnythingIsAllocated() throws Exception {
        // A sparse file large enough to hold the claimed header: only the cap can refuse it.
        long n = 100_000_001L;
        Path f = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8 + n);
            raf.write(withLength(n, new byte[0]));
        }
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("exceeds the 100000000-byte cap"), e.getMessage());
    }

    /**
     * A header just under the cap made of ~1.5 million one-byte tensors must open within the test
     * heap (-Xmx1g): reading the header as one Jackson tree needed over 1 GB and ran out of memory.
     * Opt-in ({@code -Dsafetensors.hostile.big=true}): it writes 100 MB and takes seconds.
     */
    @Test
    @EnabledIfSystemProperty(named = "safetensors.hostile.big", matches = "true")
    void headerJustUnderTheCapOfMillionsOfTinyTensorsFitsInMemory() throws Exception {
        Path f = dir.resolve("many.safetensors");
        long headerBytes = 0;
        int count = 0;
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
            out.write(new byte[8]);
            out.write('{');
            headerBytes = 1;
            while (headerBytes < SafetensorsHeader.MAX_HEADER_BYTES - 1000) {
                byte[] e = ((count > 0 ? "," : "") + tensor(Integer.toString(count, 36), "U8", "[]", count, count + 1L))
                        .getBytes(StandardCharsets.US_ASCII);
                out.write(e);
                headerBytes += e.length;
                count++;
            }
            out.write('}');
            headerBytes++;
            out.write(new byte[count]);
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(withLength(headerBytes, new byte[0]));
        }
        try (SafetensorsFile r = SafetensorsFile.open(f)) {
            assertEquals(count, r.header().tensors().size());
            assertEquals(1, r.data(r.tensor("0")).byteSize());
        }
    }

    // ---------------------------------------------------------------- text and JSON syntax

    @Test
    void headerNotUtf8() throws Exception {
        byte[] json = "{\"a\u00e9\":{}}".getBytes(StandardCharsets.UTF_8);
        json[3] = (byte) 0xC3; // 0xC3 followed by a non-continuation byte
        json[4] = (byte) 0x28;
        rejects(file(json, 0), "not valid UTF-8");
        rejects(file(new byte[]{'{', (byte) 0xFF, (byte) 0xFE, '}'}, 0), "not valid UTF-8");
        // An encoded UTF-16 surrogate (CESU-8) is not UTF-8 either.
        rejects(file(new byte[]{'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, 0), "not valid UTF-8");
    }

    @Test
    void headerNotJson() throws Exception {
        rejects(file("hello world!", 0), "not valid JSON", "line 1, column");
        rejects(file("{\"a\":{\"dtype\"", 0), "not valid JSON", "end-of-input");
        rejects(file("{'a':1}", 0), "not valid JSON");
        rejects(file("{\"a\":\"\u0001\"}", 0), "not valid JSON");
        rejects(file("\uFEFF{}", 0), "not valid JSON");
        // A valid object followed by more text: the reference parser refuses it, and so do we.
        rejects(file("{} {\"a\":1}", 0), "after the JSON object", "line 1, column 4");
        rejects(file("{}x", 0), "not valid JSON");
        rejects(file("{}\0\0\0\0\0\0", 0), "not valid JSON");
        rejects(file("        ", 0), "header must be a JSON object", "found nothing");
    }

    @Test
    void headerNotAnObject() throws Exception {
        rejects(file("[1,2,3]", 0), "header must be a JSON object", "found an array");
        rejects(file("\"just a string\"", 0), "header must be a JSON object", "found a string");
        rejects(file("null", 0), "header must be a JSON object", "found null");
        rejects(file("42", 0), "header must be a JSON object", "found a number");
        rejects(file("true", 0), "header must be a JSON object", "found a boolean");
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutAStackOverflow() throws Exception {
        // At the top the header is refused for not being an object before depth matters.
        rejects(file("[".repeat(10_000), 0), "header must be a JSON object", "found an array");
        rejects(file("{\"a\":" + "[".repeat(10_000), 0), "nesting depth", "exceeds the maximum allowed (16)", "corrupt or hostile");
        rejects(file("{\"a\":" + "{\"b\":".repeat(10_000), 0), "nesting depth");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}", 0), "nesting depth");
        rejects(file("{\"__metadata__\":" + "{\"k\":".repeat(10_000), 0), "nesting depth");
    }

    @Test
    void veryLongNumberLiterals() throws Exception {
        String digits = "9".repeat(100_000);
        rejects(file(obj(tensor("a", "F32", "[" + digits + "]", 0, 4)), 4), "Number value length", "corrupt");
        rejects(file(obj(tensor("a", "F32", "[1]", 0, 4).replace("[0,4]", "[0." + "0".repeat(5000) + "1,4]")), 4),
                "Number value length");
    }

    @Test
    void nanAndInfinityTokens() throws Exception {
        rejects(file(obj(tensor("a", "F32", "[NaN]", 0, 4)), 4), "not valid JSON", "NaN");
        rejects(file(obj(tensor("a", "F32", "[1]", 0, 4).replace("[0,4]", "[0,Infinity]")), 4), "not valid JSON", "Infinity");
        rejects(file(obj(tensor("a", "F32", "[-Infinity]", 0, 4)), 4), "not valid JSON", "Infinity");
        // A float literal that overflows to infinity is a number, but not an integer.
        rejects(file(obj(tensor("a", "F32", "[1e99999]", 0, 4)), 4), "shape[0] must be a non-negative integer");
    }

    @Test
    void duplicateKeysAreRefusedNotSilentlyMerged() throws Exception {
        rejects(file(obj(tensor("a", "F32", "[1]", 0, 4), tensor("a", "F32", "[1]", 4, 8)), 8),
                "tensor 'a' appears twice", "re-export");
        rejects(file(obj("\"__metadata__\":{}", "\"__metadata__\":{\"k\":\"v\"}"), 0), "__metadata__ appears twice");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "key 'dtype' appears twice in the entry of tensor 'a'");
        rejects(file(obj("\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}"), 0), "key 'k' appears twice in __metadata__");
    }

    // ---------------------------------------------------------------- entries

    @Test
    void unknownOrMissingDtype() throws Exception {
        rejects(file(obj(tensor("w", "F128", "[1]", 0, 16)), 16), "tensor 'w'", "unknown dtype 'F128'", "supported");
        rejects(file(obj(tensor("w", "f32", "[1]", 0, 4)), 4), "unknown dtype 'f32'");
        rejects(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'dtype' missing");
        rejects(file("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'dtype' missing or not a string");
    }

    @Test
    void missingShapeOrOffsets() throws Exception {
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'shape' missing");
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'shape' missing or not an array");
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w'", "'data_offsets' must be an array [begin, end]");
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4), "'data_offsets' must be an array [begin, end]");
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",\"4\"]}}", 4), "data_offsets[0] must be a non-negative integer");
        rejects(file("{\"w\":[1,2]}", 0), "tensor 'w'", "entry must be an object");
        rejects(file("{\"w\":null}", 0), "tensor 'w'", "entry must be an object");
    }

    @Test
    void badShapeDimensions() throws Exception {
        rejects(file(obj(tensor("w", "F32", "[-1]", 0, 4)), 4), "tensor 'w' shape[0] must be a non-negative integer, found -1");
        rejects(file(obj(tensor("w", "F32", "[2, 1.5]", 0, 12)), 12), "tensor 'w' shape[1] must be a non-negative integer, found 1.5");
        rejects(file(obj(tensor("w", "F32", "[1.0]", 0, 4)), 4), "shape[0] must be a non-negative integer");
        rejects(file(obj(tensor("w", "F32", "[\"4\"]", 0, 16)), 16), "shape[0] must be a non-negative integer");
        rejects(file(obj(tensor("w", "F32", "[null]", 0, 4)), 4), "shape[0] must be a non-negative integer");
        rejects(file(obj(tensor("w", "F32", "[99999999999999999999]", 0, 4)), 4), "shape[0] must be a non-negative integer");
        rejects(file(obj(tensor("w", "F32", "[9223372036854775808]", 0, 4)), 4), "shape[0] must be a non-negative integer");
        rejects(file(obj(tensor("w", "U8", "[" + "1,".repeat(16) + "1]", 0, 1)), 1), "17 dimensions", "at most 16");
        // Huge but representable: the size check catches it.
        rejects(file(obj(tensor("w", "F32", "[1099511627776]", 0, 8)), 8), "needs 4398046511104 bytes but data_offsets give 8");
    }

    @Test
    void shapeProductOverflowingSixtyFourBits() throws Exception {
        rejects(file(obj(tensor("w", "F32", "[4294967296,4294967296]", 0, 4)), 4), "tensor 'w'", "overflows 64 bits");
        rejects(file(obj(tensor("w", "F64", "[2147483648,2147483648]", 0, 8)), 8), "overflows 64 bits");
        rejects(file(obj(tensor("w", "U8", "[9223372036854775807,2]", 0, 8)), 8), "overflows 64 bits");
        // Like the reference implementation, overflow before a zero dimension is still overflow.
        rejects(file(obj(tensor("w", "U8", "[9223372036854775807,2,0]", 0, 0)), 0), "overflows 64 bits");
    }

    @Test
    void offsetsOutOfRange() throws Exception {
        rejects(file(obj(tensor("w", "F32", "[2]", 0, 8)), 4), "tensor 'w'", "end at 8 but the data section has only 4 bytes", "truncated");
        rejects(file(obj(tensor("w", "F32", "[1]", 100, 104)), 4), "end at 104 but the data section has only 4 bytes");
        rejects(file(obj(tensor("w", "U8", "[1]", Long.MAX_VALUE - 1, Long.MAX_VALUE)), 4), "end at 9223372036854775807");
        rejects(file(obj(tensor("w", "F32", "[1]", 0, 4).replace("[0,4]", "[0,18446744073709551615]")), 4),
                "data_offsets[1] must be a non-negative integer");
        rejects(file(obj(tensor("w", "F32", "[1]", -4, 0)), 4), "data_offsets[0] must be a non-negative integer, found -4");
    }

    @Test
    void endBeforeBegin() throws Exception {
        rejects(file(obj(tensor("w", "F32", "[1]", 8, 4)), 8), "tensor 'w'", "data_offsets [8, 4] end before they begin");
    }

    @Test
    void overlappingTensors() throws Exception {
        rejects(file(obj(tensor("a", "F32", "[2]", 0, 8), tensor("b", "F32", "[2]", 4, 12)), 12),
                "tensor 'b' bytes [4, 12) overlap", "re-export");
        rejects(file(obj(tensor("a", "F32", "[1]", 0, 4), tensor("b", "F32", "[1]", 0, 4)), 4), "overlap");
        // A zero-size tensor inside another one's bytes overlaps too (as in the reference implementation).
        rejects(file(obj(tensor("a", "F32", "[2]", 0, 8), tensor("z", "F32", "[0]", 4, 4)), 8), "tensor 'z'", "overlap");
    }

    @Test
    void holeBetweenTensorsAndTrailingBytes() throws Exception {
        rejects(file(obj(tensor("a", "F32", "[1]", 0, 4), tensor("b", "F32", "[1]", 8, 12)), 12),
                "bytes [4, 8) of the data section belong to no tensor", "hole before 'b'");
        rejects(file(obj(tensor("a", "F32", "[1]", 4, 8)), 8), "bytes [0, 4) of the data section belong to no tensor");
        rejects(file(obj(tensor("a", "F32", "[1]", 0, 4)), 9), "the tensors cover 4 bytes but the data section has 9",
                "trailing bytes");
        rejects(file("{}", 1), "the tensors cover 0 bytes but the data section has 1");
    }

    @Test
    void shapeTimesDtypeDiffersFromByteLength() throws Exception {
        rejects(file(obj(tensor("w", "F32", "[3]", 0, 8)), 8), "tensor 'w'", "shape [3] of F32 needs 12 bytes but data_offsets give 8");
        rejects(file(obj(tensor("w", "BF16", "[]", 0, 4)), 4), "shape [] of BF16 needs 2 bytes but data_offsets give 4");
        rejects(file(obj(tensor("w", "I64", "[0]", 0, 8)), 8), "shape [0] of I64 needs 0 bytes");
    }

    @Test
    void metadataMustBeAnObjectOfStrings() throws Exception {
        rejects(file(obj("\"__metadata__\":[\"a\"]"), 0), "__metadata__ must be an object of strings");
        rejects(file(obj("\"__metadata__\":null"), 0), "__metadata__ must be an object of strings");
        rejects(file(obj("\"__metadata__\":\"pt\""), 0), "__metadata__ must be an object of strings");
        rejects(file(obj("\"__metadata__\":{\"format\":1}"), 0), "__metadata__ value of 'format' must be a string");
        rejects(file(obj("\"__metadata__\":{\"format\":{\"x\":\"y\"}}"), 0), "__metadata__ value of 'format' must be a string");
        rejects(file(obj("\"__metadata__\":{\"format\":null}"), 0), "__metadata__ value of 'format' must be a string");
    }

    // ---------------------------------------------------------------- edge cases that are valid

    @Test
    void emptyHeaderWithEmptyDataIsValid() throws Exception {
        for (String json : List.of("{}", "{}      ", "  {}", "{ }", "{\"__metadata__\":{}}")) {
            try (SafetensorsFile r = opens(file(json, 0))) {
                assertEquals(List.of(), r.names(), json);
                assertEquals(Map.of(), r.metadata(), json);
                assertEquals(8 + json.length(), r.fileSize());
            }
        }
        Path f = dir.resolve("written-empty.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(), Map.of())) {
            w.commit();
        }
        try (SafetensorsFile r = SafetensorsFile.open(f)) {
            assertEquals(List.of(), r.tensors());
        }
    }

    @Test
    void zeroSizeTensorsAreValidAnywhereOnABoundary() throws Exception {
        String json = obj(tensor("z0", "F32", "[0]", 0, 0), tensor("a", "F32", "[1]", 0, 4), tensor("z1", "I64", "[3,0]", 4, 4),
                tensor("b", "BF16", "[2]", 4, 8), tensor("z2", "BF16", "[0,1099511627776]", 8, 8), tensor("s", "U8", "[]", 8, 9),
                tensor("z3", "U8", "[0]", 9, 9));
        try (SafetensorsFile r = opens(file(json, 9))) {
            assertEquals(List.of("a", "b", "s", "z0", "z1", "z2", "z3"), r.names());
            assertEquals(0, r.data(r.tensor("z3")).byteSize());
            assertEquals(0, r.tensor("z2").numel());
            assertEquals(1, r.data(r.tensor("s")).byteSize());
        }
        // Only zero-size tensors: an empty data section.
        try (SafetensorsFile r = opens(file(obj(tensor("z", "F32", "[0]", 0, 0)), 0))) {
            assertEquals(0, r.data(r.tensor("z")).byteSize());
        }
    }

    @Test
    void unreadableFileNamesThePath() throws Exception {
        Path missing = dir.resolve("nope.safetensors");
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path folder = Files.createDirectory(dir.resolve("folder.safetensors"));
        e = assertThrows(IOException.class, () -> SafetensorsFile.open(folder).close());
        assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
    }
}
