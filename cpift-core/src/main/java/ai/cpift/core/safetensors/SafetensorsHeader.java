package ai.cpift.core.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * Headers beyond this are refused before anything is allocated: the reference implementation's
     * cap ({@code MAX_HEADER_SIZE = 100_000_000} bytes), so a header we read also loads in Python.
     */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /**
     * Strict JSON as the reference parser reads it: no NaN/Infinity, no comments, and no key twice
     * in an object (Jackson would otherwise keep the last one silently). A real header nests 3
     * levels and its numbers fit in 20 digits, so the limits refuse hostile input early. Tensor
     * names are nearly all distinct, so interning them buys nothing; it is off, which also keeps
     * the symbol table's hash-collision guard from refusing headers of unusual names.
     */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(32).build())
                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                    .build())
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Map.copyOf(metadata);
    }

    /**
     * Parses and validates a header.
     *
     * <p>The header is streamed: each top-level entry is read as a small tree, checked and
     * dropped, so the memory needed stays a small multiple of the header size even for a
     * hostile header of millions of tiny entries (a whole-header tree needs ~500 bytes each).
     *
     * @param file       the file, for messages only
     * @param fileSize   the total file size
     * @param headerJson the N header bytes
     */
    public static SafetensorsHeader parse(Path file, long fileSize, ByteBuffer headerJson) throws SafetensorsFormatException {
        long dataStart = 8L + headerJson.remaining();
        long dataLength = fileSize - dataStart;
        requireUtf8(file, headerJson.duplicate());
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        Reader text = new InputStreamReader(new ByteBufferInputStream(headerJson.duplicate()), StandardCharsets.UTF_8);
        try (JsonParser p = JSON.createParser(text)) {
            readEntries(file, p, dataLength, metadata, tensors);
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            // Not expected from bytes in memory; still a damaged header, not a crash.
            throw new SafetensorsFormatException(file, "header cannot be parsed (" + e.getMessage()
                    + "); the file is corrupt or not safetensors: re-export it", e);
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        for (TensorInfo t : tensors) {
            if (t.begin() < expected) {
                throw new SafetensorsFormatException(file, "tensor " + HeaderEntries.quote(t.name()) + " bytes [" + t.begin() + ", " + t.end()
                        + ") overlap the previous tensor's (which end at " + expected + "); the header is corrupt: re-export the file");
            }
            if (t.begin() > expected) {
                throw new SafetensorsFormatException(file, "bytes [" + expected + ", " + t.begin() + ") of the data section belong to no tensor"
                        + " (a hole before " + HeaderEntries.quote(t.name()) + "); the header is corrupt: re-export the file");
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

    /** Checks the bytes are UTF-8 in small chunks, without decoding the whole header into memory. */
    private static void requireUtf8(Path file, ByteBuffer bytes) throws SafetensorsFormatException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(8192);
        long start = bytes.position();
        CoderResult r;
        do {
            r = dec.decode(bytes, out, true);
            out.clear();
        } while (r.isOverflow());
        if (!r.isError()) {
            do {
                r = dec.flush(out);
                out.clear();
            } while (r.isOverflow());
        }
        if (r.isError()) {
            throw new SafetensorsFormatException(file, "header is not valid UTF-8 (at header byte " + (bytes.position() - start)
                    + "); the file is corrupt or not safetensors: re-export it");
        }
    }

    /**
     * Reads the top-level object entry by entry; refuses syntax errors, parser limits, duplicate
     * keys, a non-object and content after the object.
     */
    private static void readEntries(Path file, JsonParser p, long dataLength, Map<String, String> metadata, List<TensorInfo> tensors)
            throws IOException {
        try {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new SafetensorsFormatException(file, "header must be a JSON object of tensor entries; found " + describe(first)
                        + ": the file is corrupt or not safetensors");
            }
            // After an object's start or a value, the parser yields only a key or the object's end.
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                JsonNode value = JSON.readTree(p);
                if (name.equals("__metadata__")) {
                    HeaderEntries.readMetadata(file, value, metadata);
                } else {
                    tensors.add(HeaderEntries.readTensor(file, name, value, dataLength));
                }
            }
            if (p.nextToken() != null) {
                throw new SafetensorsFormatException(file, "header has more content after the JSON object at "
                        + at(p.currentTokenLocation()) + "; the file is corrupt: re-export it");
            }
        } catch (StreamConstraintsException e) {
            throw new SafetensorsFormatException(file, "header JSON goes far beyond what a safetensors header needs ("
                    + jacksonProblem(e) + " at " + at(p.currentLocation()) + "); the file is corrupt or hostile:"
                    + " re-export it or fetch it again from a trusted source");
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                throw new SafetensorsFormatException(file, duplicateKey(p) + " (at " + at(p.currentLocation())
                        + "); readers disagree on which copy wins, so the file is refused: re-export it");
            }
            JsonLocation loc = e.getLocation() != null ? e.getLocation() : p.currentLocation();
            throw new SafetensorsFormatException(file, "header is not valid JSON (" + jacksonProblem(e) + " at " + at(loc)
                    + "); the file is corrupt or truncated: re-export it");
        }
    }

    /** Names the key that the strict parser found twice, from the parser's position. */
    private static String duplicateKey(JsonParser p) {
        JsonStreamContext ctx = p.getParsingContext();
        String key = ctx == null ? null : ctx.getCurrentName();
        JsonStreamContext parent = ctx == null ? null : ctx.getParent();
        if (key == null) {
            return "a key appears twice";
        }
        if (parent == null || parent.inRoot()) {
            return key.equals("__metadata__") ? "__metadata__ appears twice in the header"
                    : "tensor " + HeaderEntries.quote(key) + " appears twice in the header";
        }
        String owner = parent.getCurrentName();
        if (owner != null && parent.getParent() != null && parent.getParent().inRoot()) {
            return "key " + HeaderEntries.quote(key) + " appears twice in "
                    + (owner.equals("__metadata__") ? "__metadata__" : "the entry of tensor " + HeaderEntries.quote(owner));
        }
        return "key " + HeaderEntries.quote(key) + " appears twice in one object";
    }

    /** Jackson's description of a problem without its advice on parser settings, which would not help a user. */
    private static String jacksonProblem(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return m.replaceAll(", from `[^`]*`", "")
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll("\\[Source: [^\\]]*?; line", "[line");
    }

    private static String at(JsonLocation loc) {
        return loc == null ? "an unknown place" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
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
            new java.util.TreeMap<>(metadata).forEach(m::put); // sorted: the same map gives the same bytes
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
