package ai.cpift.core.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mask file: one file per task holding its core region.
 *
 * <pre>
 * "CPIFTMSK"          8 bytes magic
 * version             u32 little-endian (1)
 * header length H     u32 little-endian
 * header              H bytes of UTF-8 JSON: task, p, mode, threshold, k, D, both checkpoints' SHA-256,
 *                     and per tensor: name, shape, cardinality, byte offset and length of its bitmap
 * bitmaps             RoaringBitmap portable serialisations, back to back (offsets relative to here)
 * CRC32C              4 bytes (little-endian) over everything before it; the platform records the
 *                     file's SHA-256 wherever it stores it, this only catches corruption on the spot
 * </pre>
 * The portable format is readable by the RoaringBitmap libraries of Java, C, Go and Python.
 */
public final class MaskFile {
    static final byte[] MAGIC = "CPIFTMSK".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int MAX_HEADER = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private MaskFile() {
    }

    /** Writes a mask atomically; {@code bitmaps} holds the core of each tensor that has one. */
    public static void write(Path file, MaskHeader header, Map<String, RoaringBitmap> bitmaps) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("task", header.task());
        root.put("top_percent", header.topPercent());
        root.put("mode", header.mode().name().toLowerCase(java.util.Locale.ROOT));
        root.put("threshold", Float.isNaN(header.threshold()) ? null : header.threshold());
        root.put("selected", header.selected());
        root.put("total_elements", header.totalElements());
        root.put("base_sha256", header.baseSha256());
        root.put("tuned_sha256", header.tunedSha256());
        ArrayNode tensors = root.putArray("tensors");
        List<RoaringBitmap> ordered = new ArrayList<>();
        for (MaskTensor t : header.tensors()) {
            RoaringBitmap b = bitmaps.getOrDefault(t.name(), new RoaringBitmap());
            if (b.getLongCardinality() != t.cardinality()) {
                throw new IllegalArgumentException("tensor '" + t.name() + "': header says " + t.cardinality()
                        + " core elements, bitmap has " + b.getLongCardinality());
            }
            ordered.add(b);
        }
        // Bitmaps are written as given (no run compression: finding runs costs more time than a
        // core of scattered elements saves bytes); serialisation is per bitmap, spread over the cores.
        int[] sizes = ordered.stream().mapToInt(RoaringBitmap::serializedSizeInBytes).toArray();
        long offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            MaskTensor t = header.tensors().get(i);
            ObjectNode e = tensors.addObject();
            e.put("name", t.name());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            e.put("cardinality", t.cardinality());
            e.put("offset", offset);
            e.put("length", sizes[i]);
            offset += sizes[i];
        }
        byte[] json = JSON.writeValueAsBytes(root);
        long size = 16L + json.length + offset + 4;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mask of " + size + " bytes exceeds the 2 GiB a mask file may hold");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".partial");
        try {
            // Each bitmap serialised into its own array in parallel, then written with plain writes:
            // mapping a fresh file costs a page fault and a zero-fill per page written.
            byte[][] bodies = new byte[ordered.size()][];
            IntStream.range(0, ordered.size()).parallel().forEach(i -> {
                ByteBuffer b = ByteBuffer.allocate(sizes[i]).order(ByteOrder.LITTLE_ENDIAN);
                ordered.get(i).serialize(b);
                bodies[i] = b.array();
            });
            ByteBuffer head = ByteBuffer.allocate(16 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putInt(VERSION).putInt(json.length).put(json).flip();
            CRC32C crc = new CRC32C();
            crc.update(head.duplicate());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(ch, head);
                for (byte[] body : bodies) {
                    crc.update(body);
                    writeFully(ch, ByteBuffer.wrap(body));
                }
                writeFully(ch, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue()));
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads and verifies a mask file (magic, version, checksum, every bitmap against its header entry). */
    public static CoreMask read(Path file) throws IOException {
        ByteBuffer all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 16 + 4 || size > Integer.MAX_VALUE) {
                throw bad(file, "has " + size + " bytes, which no mask file has; it is truncated or not a mask");
            }
            all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        }
        byte[] magic = new byte[8];
        all.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw bad(file, "does not start with CPIFTMSK: not a mask file (make one with `cpift mask`)");
        }
        int version = all.getInt(8);
        if (version != VERSION) {
            throw bad(file, "is mask format version " + version + "; this build reads version " + VERSION + ": upgrade cpift");
        }
        int h = all.getInt(12);
        int payloadEnd = all.capacity() - 4;
        if (h < 2 || h > MAX_HEADER || 16L + h > payloadEnd) {
            throw bad(file, "header length " + Integer.toUnsignedString(h) + " does not fit the file; it is truncated or corrupt: recompute it with `cpift mask`");
        }
        CRC32C crc = new CRC32C();
        crc.update(all.slice(0, payloadEnd));
        if ((int) crc.getValue() != all.getInt(payloadEnd)) {
            throw bad(file, "checksum does not match its contents: the file is corrupt; recompute it with `cpift mask`");
        }
        byte[] jsonBytes = new byte[h];
        all.get(16, jsonBytes);
        JsonNode root = JSON.readTree(jsonBytes);
        return parse(file, root, all.slice(16 + h, payloadEnd - 16 - h).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static CoreMask parse(Path file, JsonNode root, ByteBuffer payload) throws IOException {
        List<MaskTensor> tensors = new ArrayList<>();
        Map<String, ImmutableRoaringBitmap> bitmaps = new LinkedHashMap<>();
        long selected = 0;
        for (JsonNode e : root.path("tensors")) {
            String name = e.path("name").asText();
            long[] shape = new long[e.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.path("shape").get(i).asLong();
            }
            MaskTensor t = new MaskTensor(name, shape, e.path("cardinality").asLong());
            long off = e.path("offset").asLong(-1);
            long len = e.path("length").asLong(-1);
            if (off < 0 || len < 0 || off + len > payload.capacity()) {
                throw bad(file, "tensor '" + name + "' bitmap bytes [" + off + ", " + (off + len) + ") lie outside the file");
            }
            ImmutableRoaringBitmap b;
            try {
                b = new ImmutableRoaringBitmap(payload.slice((int) off, (int) len));
            } catch (RuntimeException ex) {
                throw bad(file, "tensor '" + name + "' bitmap cannot be decoded (" + ex.getMessage() + ")");
            }
            if (b.getLongCardinality() != t.cardinality() || (!b.isEmpty() && Integer.toUnsignedLong(b.last()) >= t.numel())) {
                throw bad(file, "tensor '" + name + "' bitmap disagrees with its header (cardinality or index beyond "
                        + t.numel() + " elements)");
            }
            tensors.add(t);
            bitmaps.put(name, b);
            selected += t.cardinality();
        }
        JsonNode thr = root.path("threshold");
        MaskHeader header = new MaskHeader(root.path("task").asText(), root.path("top_percent").asDouble(),
                MaskMode.valueOf(root.path("mode").asText("global").toUpperCase(java.util.Locale.ROOT)),
                thr.isNumber() ? thr.floatValue() : Float.NaN, root.path("selected").asLong(),
                root.path("total_elements").asLong(), root.path("base_sha256").asText(), root.path("tuned_sha256").asText(), tensors);
        if (selected != header.selected()) {
            throw bad(file, "header says " + header.selected() + " core elements but the tensors hold " + selected);
        }
        return new CoreMask(file, header, bitmaps);
    }

    private static MaskFormatException bad(Path file, String problem) {
        return new MaskFormatException(file, problem);
    }
}
