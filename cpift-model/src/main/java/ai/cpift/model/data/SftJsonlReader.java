package ai.cpift.model.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads SFT examples from a JSONL file: one JSON object per line in one of the shapes of
 * {@link SftExample} (the shapes may be mixed within a file), blank lines skipped. The file is
 * streamed one line at a time and must be UTF-8. The first bad line stops the reading with a
 * {@link DatasetFormatException} naming the file as given, the line, the field and the fix: a
 * dataset with a broken line is more likely a broken export than one bad example to skip.
 */
public final class SftJsonlReader {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SftJsonlReader() {
    }

    /**
     * Calls {@code sink} with each example in file order.
     *
     * @return the number of examples
     * @throws DatasetFormatException for a missing file, invalid UTF-8, a bad line, or a file with no example
     */
    public static long forEach(Path file, Consumer<? super SftExample> sink) throws IOException {
        String name = file.toString();
        long count = 0;
        try (InputStream in = Files.newInputStream(file); Utf8LineReader lines = new Utf8LineReader(in, name)) {
            String line;
            while ((line = lines.next()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ExampleOrigin at = new ExampleOrigin(name, lines.lineNumber());
                sink.accept(SftExampleParser.parse(object(line, at), at));
                count++;
            }
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(name, 0, 0, null, "not found", "check the path (relative paths are resolved "
                    + "against " + Path.of("").toAbsolutePath() + ")", e);
        }
        if (count == 0) {
            throw new DatasetFormatException(name, 0, 0, null, "has no examples (the file is empty or has only blank lines)",
                    "write one example per line: " + SftExampleParser.SHAPE_LIST, null);
        }
        return count;
    }

    /** All the examples of the file, in order. */
    public static List<SftExample> readAll(Path file) throws IOException {
        List<SftExample> all = new ArrayList<>();
        forEach(file, all::add);
        return all;
    }

    private static JsonNode object(String line, ExampleOrigin at) throws DatasetFormatException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            throw new DatasetFormatException(at.file(), at.line(), Math.max(column, 0), null, "malformed JSON ("
                    + e.getOriginalMessage() + ")", "write each example as one JSON object on one line", e);
        }
        if (!node.isObject()) {
            throw DatasetFormatException.line(at, "is " + SftExampleParser.kind(node) + ", not a JSON object",
                    "write each example as one JSON object on one line: " + SftExampleParser.SHAPE_LIST);
        }
        return node;
    }
}
