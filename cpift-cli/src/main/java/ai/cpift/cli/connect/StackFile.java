package ai.cpift.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The endpoints a local stack wrote to {@code <root>/stack.json} ({@code ./cpift stack up}): Kafka bootstrap,
 * S3 endpoint, keys and bucket. Null when the file is not there.
 */
record StackFile(String kafkaBootstrap, String s3Endpoint, String accessKey, String secretKey, String bucket) {
    static final String FILE_NAME = "stack.json";

    static StackFile read(Path root) throws IOException {
        Path f = root.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        JsonNode o;
        try {
            o = new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new IOException(f + " is not valid JSON (" + e.getMessage() + "); fix: run ./cpift stack down, then ./cpift stack up", e);
        }
        return new StackFile(text(o, "kafkaBootstrap"), text(o, "s3Endpoint"), text(o, "accessKey"), text(o, "secretKey"),
                text(o, "bucket"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
