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
 * A seeded mutation fuzzer over valid safetensors files: every damaged file either opens with all
 * its tensors inside the file and readable, or is refused with an {@link java.io.IOException}
 * naming the file. Any other outcome fails with the seed and iteration to replay.
 *
 * <p>Reproduce a failure with
 * {@code -Dsafetensors.fuzz.seed=S -Dsafetensors.fuzz.iterations=N} (each iteration draws its
 * own generator from the seed and its index, so the failing iteration replays alone).
 */
class SafetensorsFuzzTest {
    @TempDir
    Path dir;

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
