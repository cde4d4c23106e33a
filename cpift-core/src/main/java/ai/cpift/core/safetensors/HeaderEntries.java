package ai.cpift.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;

/** Validation of one entry of a safetensors header (a tensor or {@code __metadata__}), with messages that name it. */
final class HeaderEntries {
    /** Ends the messages about damage inside the header. */
    static final String REEXPORT = "; the header is corrupt: re-export the file";

    private HeaderEntries() {
    }

    static String describe(JsonNode n) {
        if (n == null) {
            return "nothing";
        }
        return switch (n.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY -> "binary data";
            case MISSING -> "nothing";
        };
    }

    /** A name or value for a message, quoted and cut short: a hostile header may hold megabyte-long strings. */
    static String quote(String s) {
        return "'" + shorten(s) + "'";
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 60) + "...(" + s.length() + " characters)";
    }

    static void readMetadata(Path file, JsonNode node, Map<String, String> out) throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, "__metadata__ must be an object of strings, found " + describe(node) + REEXPORT);
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, "__metadata__ value of " + quote(m.getKey()) + " must be a string, found "
                        + describe(m.getValue()) + REEXPORT);
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    static TensorInfo readTensor(Path file, String name, JsonNode node, long dataLength) throws SafetensorsFormatException {
        String where = "tensor " + quote(name);
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, where + ": entry must be an object with dtype, shape and data_offsets, found " + describe(node) + REEXPORT);
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsFormatException(file, where + ": field 'dtype' missing or not a string" + REEXPORT);
        }
        DType dtype = DType.fromHeaderName(dt.asText()).orElseThrow(() -> new SafetensorsFormatException(file,
                where + ": unknown dtype " + quote(dt.asText()) + "; supported: " + java.util.Arrays.toString(DType.values())
                        + ": convert the tensor to one of them, or the header is corrupt"));
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new SafetensorsFormatException(file, where + ": field 'shape' missing or not an array" + REEXPORT);
        }
        if (sh.size() > 16) {
            throw new SafetensorsFormatException(file, where + ": shape has " + sh.size() + " dimensions; at most 16 are accepted" + REEXPORT);
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, where + " shape[" + i + "]", sh.get(i));
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new SafetensorsFormatException(file, where + ": field 'data_offsets' must be an array [begin, end]" + REEXPORT);
        }
        long begin = nonNegativeLong(file, where + " data_offsets[0]", off.get(0));
        long end = nonNegativeLong(file, where + " data_offsets[1]", off.get(1));
        if (end < begin) {
            throw new SafetensorsFormatException(file, where + ": data_offsets [" + begin + ", " + end + "] end before they begin" + REEXPORT);
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(file, where + ": data_offsets end at " + end + " but the data section has only "
                    + dataLength + " bytes; the file is truncated: download or copy it again");
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(TensorInfo.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, where + ": shape " + java.util.Arrays.toString(shape) + " overflows 64 bits" + REEXPORT);
        }
        if (expectedBytes != end - begin) {
            throw new SafetensorsFormatException(file, where + ": shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + expectedBytes + " bytes but data_offsets give " + (end - begin) + "; the header is corrupt: re-export the file");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path file, String where, JsonNode n) throws SafetensorsFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            String found = n == null ? "nothing" : n.isTextual() ? "the string " + quote(n.asText()) : shorten(n.toString());
            throw new SafetensorsFormatException(file, where + " must be a non-negative integer, found " + found + REEXPORT);
        }
        return n.asLong();
    }

}
