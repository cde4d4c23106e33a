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
 * a seeded mutation fuzzer checks the same contract on thousands of damaged files.
 *
 * <p>Reproduce a fuzzer failure with
 * {@code -Dsafetensors.fuzz.seed=S -Dsafetensors.fuzz.iterations=N} (each iteration draws its
 * own generator from the seed and its index, so the failing iteration replays alone).
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

    // ---------------------------------------------------------------- the fuzzer

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    private static final Pattern STRING = Pattern.compile("\"[^\"\\\\]*\"");
    private static final String[] NUMBERS = {"-1", "0", "1", "2", "7", "8", "-0", "1.5", "1e3", "1e308", "4294967296",
            "9223372036854775807", "9223372036854775808", "18446744073709551615", "-9223372036854775808",
            "99999999999999999999999999999", "1" + "0".repeat(40), "0.1", "NaN", "Infinity", "null", "\"4\"", "[]", "{}"};
    private static final String[] STRINGS = {"\"F32\"", "\"BF16\"", "\"I64\"", "\"F128\"", "\"\"", "\"dtype\"", "\"shape\"",
            "\"data_offsets\"", "\"__metadata__\"", "\"a\"", "\"x\"", "\"format\"", "1", "[]", "{}", "null"};
    private static final byte[] JSON_BYTES = "{}[]\":,0123456789-.eE \\ntfu".getBytes(StandardCharsets.US_ASCII);

    private record Base(String name, byte[] bytes) {
    }

    /** Valid files written by the writer: several dtypes, a scalar, zero-size tensors, metadata or none, no tensors at all. */
    private List<Base> baseFiles() throws IOException {
        Random r = new Random(42);
        List<Base> out = new ArrayList<>();
        out.add(base("mixed", r, Map.of("format", "pt", "note", "fuzz base"),
                new TensorSpec("model.embed.weight", DType.BF16, new long[]{3, 4}),
                new TensorSpec("model.norm.weight", DType.F32, new long[]{4}),
                new TensorSpec("ids", DType.I64, new long[]{3}),
                new TensorSpec("half", DType.F16, new long[]{2, 2}),
                new TensorSpec("scalar", DType.F32, new long[]{}),
                new TensorSpec("empty", DType.F32, new long[]{0}),
                new TensorSpec("bytes", DType.U8, new long[]{5}),
                new TensorSpec("double", DType.F64, new long[]{1}),
                new TensorSpec("flags", DType.BOOL, new long[]{3})));
        out.add(base("single", r, Map.of(), new TensorSpec("w", DType.I64, new long[]{2, 2})));
        out.add(base("zero-only", r, Map.of("format", "pt"),
                new TensorSpec("z", DType.F32, new long[]{0}),
                new TensorSpec("z2", DType.BF16, new long[]{3, 0})));
        out.add(base("none", r, Map.of()));
        out.add(base("meta-only", r, Map.of("format", "pt", "k", "v")));
        return out;
    }

    private Base base(String name, Random r, Map<String, String> metadata, TensorSpec... specs) throws IOException {
        Path f = dir.resolve("base-" + name + ".safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(specs), metadata)) {
            for (TensorSpec s : specs) {
                byte[] b = new byte[(int) s.byteLength()];
                r.nextBytes(b);
                w.writeBytes(s.name(), MemorySegment.ofArray(b));
            }
            w.commit();
        }
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertEquals(specs.length, sf.tensors().size(), "base file " + name + " does not read back");
        }
        return new Base(name, Files.readAllBytes(f));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void randomMutationsNeverEscapeTheContract() throws Exception {
        long seed = Long.getLong("safetensors.fuzz.seed", 0x5AFE_7E45_0F_F00DL);
        int iterations = Integer.getInteger("safetensors.fuzz.iterations", 3000);
        List<Base> bases = baseFiles();
        Path f = dir.resolve("fuzz.safetensors");
        int opened = 0;
        int refused = 0;
        Set<String> firstWords = new HashSet<>();
        for (int it = 0; it < iterations; it++) {
            Random r = new Random(seed * 0x9E37_79B9_7F4A_7C15L + it);
            Base base = bases.get(r.nextInt(bases.size()));
            List<String> applied = new ArrayList<>();
            byte[] bytes = base.bytes();
            int rounds = 1 + r.nextInt(3);
            for (int k = 0; k < rounds; k++) {
                bytes = mutate(bytes, r, applied);
            }
            Files.write(f, bytes);
            String where = "seed=" + seed + " iteration=" + it + " base=" + base.name() + " mutations=" + applied
                    + " file(base64)=" + Base64.getEncoder().encodeToString(bytes);
            try {
                try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                    checkFullyReadable(sf, bytes.length, where);
                }
                opened++;
            } catch (IOException e) {
                String m = e.getMessage();
                if (m == null || m.isBlank() || !m.contains(f.toString())) {
                    throw new AssertionError("IOException without the file in its message (" + e.getClass().getName() + ": " + m + ") at " + where, e);
                }
                refused++;
                String tail = m.substring(m.indexOf(": ") + 2);
                firstWords.add(tail.split("[ ']", 2)[0]);
            } catch (Throwable t) {
                throw new AssertionError("unexpected " + t.getClass().getName() + " at " + where, t);
            }
        }
        System.out.println("fuzz seed=" + seed + ": " + opened + " opened, " + refused + " refused, refusals start with " + firstWords);
        // The mutations must reach both outcomes and many different checks, or the fuzzer proves little.
        assertTrue(opened > 0 && refused > iterations / 2, "opened " + opened + ", refused " + refused);
        assertTrue(firstWords.size() >= 5, "too few kinds of refusal: " + firstWords);
    }

    /** A successful open must describe tensors that lie inside the file, tile the data section and can be read to the last byte. */
    private static void checkFullyReadable(SafetensorsFile sf, long fileSize, String where) {
        assertEquals(fileSize, sf.fileSize(), where);
        SafetensorsHeader h = sf.header();
        assertTrue(h.dataStart() >= 10 && h.dataStart() <= fileSize, where);
        assertEquals(h.tensors().size(), sf.names().size(), "tensor names collapsed: " + where);
        long covered = 0;
        for (TensorInfo t : sf.tensors()) {
            assertTrue(0 <= t.begin() && t.begin() <= t.end() && h.dataStart() + t.end() <= fileSize, t + " outside the file: " + where);
            assertEquals(t.numel() * t.dtype().byteSize(), t.byteLength(), where);
            MemorySegment seg = sf.data(t);
            assertEquals(t.byteLength(), seg.byteSize(), where);
            long sum = 0;
            for (long i = 0; i < seg.byteSize(); i++) {
                sum += seg.get(ValueLayout.JAVA_BYTE, i);
            }
            assertTrue(sum >= -128 * seg.byteSize(), where);
            covered += t.byteLength();
        }
        assertEquals(fileSize - h.dataStart(), covered, "data section not tiled: " + where);
    }

    private static byte[] mutate(byte[] in, Random r, List<String> applied) {
        long n = in.length >= 8 ? ByteBuffer.wrap(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
        boolean headerIntact = n >= 2 && n <= in.length - 8;
        int kind = r.nextInt(14);
        if (!headerIntact && kind >= 7) {
            kind = r.nextInt(7); // the text mutations need a header to work on
        }
        byte[] out = in.clone();
        switch (kind) {
            case 0 -> { // flip a byte in the header (or anywhere when there is none)
                int end = headerIntact ? (int) (8 + n) : out.length;
                if (end > 8) {
                    int p = 8 + r.nextInt(end - 8);
                    out[p] = (byte) r.nextInt(256);
                    applied.add("byte@" + p);
                }
            }
            case 1 -> { // flip one bit anywhere
                if (out.length > 0) {
                    int p = r.nextInt(out.length);
                    out[p] ^= (byte) (1 << r.nextInt(8));
                    applied.add("bit@" + p);
                }
            }
            case 2 -> { // damage the length field
                if (out.length >= 8) {
                    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
                    long[] interesting = {0, 1, 2, n - 1, n + 1, n + 8, out.length - 8L, out.length - 7L, out.length,
                            Long.MAX_VALUE, -1L, Long.MIN_VALUE, 100_000_000L, 100_000_001L, 1L << 32, r.nextLong()};
                    long v = r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : n ^ (1L << r.nextInt(64));
                    b.putLong(0, v);
                    applied.add("len=" + v);
                }
            }
            case 3 -> { // truncate
                int cut = r.nextInt(out.length + 1);
                out = java.util.Arrays.copyOf(out, cut);
                applied.add("truncate@" + cut);
            }
            case 4 -> { // insert random bytes
                int p = r.nextInt(out.length + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                if (r.nextBoolean()) {
                    r.nextBytes(ins);
                } else {
                    for (int i = 0; i < ins.length; i++) {
                        ins[i] = JSON_BYTES[r.nextInt(JSON_BYTES.length)];
                    }
                }
                out = splice(out, p, 0, ins);
                applied.add("insert" + ins.length + "@" + p);
            }
            case 5 -> { // delete a range
                if (out.length > 0) {
                    int p = r.nextInt(out.length);
                    int len = Math.min(out.length - p, 1 + r.nextInt(16));
                    out = splice(out, p, len, new byte[0]);
                    applied.add("delete" + len + "@" + p);
                }
            }
            case 6 -> { // append trailing bytes
                byte[] tail = new byte[1 + r.nextInt(9)];
                r.nextBytes(tail);
                out = splice(out, out.length, 0, tail);
                applied.add("append" + tail.length);
            }
            default -> { // rewrite the JSON text, then (usually) fix the length field so validation goes deep
                String json = new String(out, 8, (int) n, StandardCharsets.UTF_8);
                byte[] data = java.util.Arrays.copyOfRange(out, (int) (8 + n), out.length);
                String changed = switch (kind) {
                    case 7, 8 -> replaceRandom(json, NUMBER, r, NUMBERS[r.nextInt(NUMBERS.length)], applied, "number");
                    case 9 -> replaceRandom(json, NUMBER, r, Long.toString(r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(64) - 4), applied, "number");
                    case 10 -> swapNumbers(json, r, applied);
                    case 11 -> replaceRandom(json, STRING, r, STRINGS[r.nextInt(STRINGS.length)], applied, "string");
                    case 12 -> duplicateKey(json, r, applied);
                    default -> { // insert a structural character
                        int p = r.nextInt(json.length() + 1);
                        String c = String.valueOf("{}[]\",:".charAt(r.nextInt(7)));
                        applied.add("char" + c + "@" + p);
                        yield json.substring(0, p) + c + json.substring(p);
                    }
                };
                byte[] jb = changed.getBytes(StandardCharsets.UTF_8);
                long len = r.nextInt(8) == 0 ? n : jb.length;
                ByteBuffer b = ByteBuffer.allocate(8 + jb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(len).put(jb).put(data);
                out = b.array();
            }
        }
        return out;
    }

    private static String replaceRandom(String json, Pattern p, Random r, String with, List<String> applied, String what) {
        List<int[]> spans = spans(json, p);
        if (spans.isEmpty()) {
            return json;
        }
        int[] s = spans.get(r.nextInt(spans.size()));
        applied.add(what + "@" + s[0] + "=" + with);
        return json.substring(0, s[0]) + with + json.substring(s[1]);
    }

    private static String swapNumbers(String json, Random r, List<String> applied) {
        List<int[]> spans = spans(json, NUMBER);
        if (spans.size() < 2) {
            return json;
        }
        int i = r.nextInt(spans.size());
        int j = r.nextInt(spans.size());
        if (i == j) {
            return json;
        }
        int[] a = spans.get(Math.min(i, j));
        int[] b = spans.get(Math.max(i, j));
        applied.add("swap@" + a[0] + "," + b[0]);
        return json.substring(0, a[0]) + json.substring(b[0], b[1]) + json.substring(a[1], b[0])
                + json.substring(a[0], a[1]) + json.substring(b[1]);
    }

    /** Renames one key to another key of the header, which makes a duplicate (or moves an entry). */
    private static String duplicateKey(String json, Random r, List<String> applied) {
        List<int[]> keys = new ArrayList<>();
        for (int[] s : spans(json, STRING)) {
            if (s[1] < json.length() && json.charAt(s[1]) == ':') {
                keys.add(s);
            }
        }
        if (keys.size() < 2) {
            return json;
        }
        int[] target = keys.get(r.nextInt(keys.size()));
        int[] source = keys.get(r.nextInt(keys.size()));
        applied.add("key@" + target[0] + "=" + json.substring(source[0], source[1]));
        return json.substring(0, target[0]) + json.substring(source[0], source[1]) + json.substring(target[1]);
    }

    private static List<int[]> spans(String s, Pattern p) {
        List<int[]> out = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) {
            out.add(new int[]{m.start(), m.end()});
        }
        return out;
    }

    private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }
}
