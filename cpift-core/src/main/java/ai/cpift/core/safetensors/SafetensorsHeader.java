package ai.cpift.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of a safetensors file.
 *
 * <p>Layout: 8 bytes little-endian header length N, N bytes of UTF-8 JSON, then the data
 * section. Every tensor's {@code data_offsets} are relative to the data section; they must
 * lie inside it, match shape × element size, and neither overlap nor leave holes (the same
 * rules as the reference implementation, so a file we accept loads in Python too).
 *
 * @param tensors  tensors in the order of their data (ascending offsets)
 * @param metadata the {@code __metadata__} string map, possibly empty
 * @param dataStart absolute file offset of the data section (8 + N)
 */
public record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

    /** Headers beyond this are refused before anything is allocated (the reference implementation uses the same cap). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16).maxNumberLength(32).build());
    }

    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Map.copyOf(metadata);
    }

    /**
     * Parses and validates a header.
     *
     * @param file       the file, for messages only
     * @param fileSize   the total file size
     * @param headerJson the N header bytes
     */
    public static SafetensorsHeader parse(Path file, long fileSize, ByteBuffer headerJson) throws SafetensorsFormatException {
        long dataStart = 8L + headerJson.remaining();
        long dataLength = fileSize - dataStart;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerJson).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, "header is not valid UTF-8; the file is corrupt or not safetensors: re-export it");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(file, "header is not valid JSON (" + e.getOriginalMessage()
                    + " at column " + e.getLocation().getColumnNr() + "); the file is corrupt or truncated: re-export it");
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(file, "header must be a JSON object of tensor entries; found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                tensors.add(readTensor(file, e.getKey(), e.getValue(), dataLength));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        for (TensorInfo t : tensors) {
            if (t.begin() < expected) {
                throw new SafetensorsFormatException(file, "tensor '" + t.name() + "' bytes [" + t.begin() + ", " + t.end()
                        + ") overlap the previous tensor's (which end at " + expected + "); the header is corrupt: re-export the file");
            }
            if (t.begin() > expected) {
                throw new SafetensorsFormatException(file, "bytes [" + expected + ", " + t.begin() + ") of the data section belong to no tensor"
                        + " (a hole before '" + t.name() + "'); the header is corrupt: re-export the file");
            }
            expected = t.end();
        }
        if (expected != dataLength) {
            throw new SafetensorsFormatException(file, "the tensors cover " + expected + " bytes but the data section has " + dataLength
                    + (expected < dataLength ? " (trailing bytes belong to no tensor)" : "")
                    + "; the file is corrupt: re-export it");
        }
        return new SafetensorsHeader(tensors, metadata, dataStart);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, "__metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, "__metadata__ value of '" + m.getKey() + "' must be a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static TensorInfo readTensor(Path file, String name, JsonNode node, long dataLength) throws SafetensorsFormatException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, where + ": entry must be an object with dtype, shape and data_offsets");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsFormatException(file, where + ": field 'dtype' missing or not a string");
        }
        DType dtype = DType.fromHeaderName(dt.asText()).orElseThrow(() -> new SafetensorsFormatException(file,
                where + ": unknown dtype '" + dt.asText() + "'; supported: " + java.util.Arrays.toString(DType.values())));
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new SafetensorsFormatException(file, where + ": field 'shape' missing or not an array");
        }
        if (sh.size() > 16) {
            throw new SafetensorsFormatException(file, where + ": shape has " + sh.size() + " dimensions; at most 16 are accepted");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, where + " shape[" + i + "]", sh.get(i));
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new SafetensorsFormatException(file, where + ": field 'data_offsets' must be an array [begin, end]");
        }
        long begin = nonNegativeLong(file, where + " data_offsets[0]", off.get(0));
        long end = nonNegativeLong(file, where + " data_offsets[1]", off.get(1));
        if (end < begin) {
            throw new SafetensorsFormatException(file, where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(file, where + ": data_offsets end at " + end + " but the data section has only "
                    + dataLength + " bytes; the file is truncated: download or copy it again");
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(TensorInfo.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, where + ": shape " + java.util.Arrays.toString(shape) + " overflows 64 bits");
        }
        if (expectedBytes != end - begin) {
            throw new SafetensorsFormatException(file, where + ": shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + expectedBytes + " bytes but data_offsets give " + (end - begin) + "; the header is corrupt: re-export the file");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path file, String where, JsonNode n) throws SafetensorsFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new SafetensorsFormatException(file, where + " must be a non-negative integer, found " + n);
        }
        return n.asLong();
    }

    /**
     * Encodes a header for tensors laid out back to back in the given order. The JSON is padded
     * with spaces so the data section starts at a multiple of 8, as the reference writer does.
     *
     * @return the complete prefix: 8-byte length plus JSON
     */
    public static byte[] encode(List<TensorInfo> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        for (TensorInfo t : tensors) {
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", t.dtype().headerName());
            var shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            var off = e.putArray("data_offsets");
            off.add(t.begin());
            off.add(t.end());
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.array();
    }
}
