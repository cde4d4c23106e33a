package ai.cpift.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running stack answers and how to sign in: what a service, a CLI command or a test needs.
 * Written to {@code <root>/stack.json} (mode 600, it holds the secret) so other processes can read it.
 */
public record StackEndpoints(String kafkaBootstrap, String s3Endpoint, String accessKey, String secretKey, String bucket) {
    public static final String DEFAULT_BUCKET = "cpift";
    public static final String FILE_NAME = "stack.json";

    /** The config keys the services read, as a Quarkus test resource hands them over. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String S3_ENDPOINT = "cpift.s3.endpoint";
    public static final String S3_ACCESS_KEY = "cpift.s3.access-key";
    public static final String S3_SECRET_KEY = "cpift.s3.secret-key";
    public static final String S3_BUCKET = "cpift.s3.bucket";

    private static final ObjectMapper JSON = new ObjectMapper();

    public StackEndpoints {
        require(kafkaBootstrap, "kafkaBootstrap");
        require(s3Endpoint, "s3Endpoint");
        require(accessKey, "accessKey");
        require(secretKey, "secretKey");
        require(bucket, "bucket");
    }

    /** {@code kafka.bootstrap.servers}, {@code cpift.s3.endpoint|access-key|secret-key|bucket}. */
    public Map<String, String> toConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KAFKA_BOOTSTRAP_SERVERS, kafkaBootstrap);
        m.put(S3_ENDPOINT, s3Endpoint);
        m.put(S3_ACCESS_KEY, accessKey);
        m.put(S3_SECRET_KEY, secretKey);
        m.put(S3_BUCKET, bucket);
        return m;
    }

    /** Writes {@code <root>/stack.json} with owner-only permissions. */
    public void write(Path root) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("kafkaBootstrap", kafkaBootstrap);
        o.put("s3Endpoint", s3Endpoint);
        o.put("accessKey", accessKey);
        o.put("secretKey", secretKey);
        o.put("bucket", bucket);
        PrivateFiles.write(root.resolve(FILE_NAME), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    /** Reads what {@link LocalStack#up()} wrote under {@code root}. */
    public static StackEndpoints read(Path root) throws IOException {
        Path f = root.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            throw new NoSuchFileException(f.toString(), null,
                    "no local stack was started with this root: start one with ./cpift stack up");
        }
        JsonNode o = JSON.readTree(f.toFile());
        try {
            return new StackEndpoints(text(o, "kafkaBootstrap"), text(o, "s3Endpoint"), text(o, "accessKey"),
                    text(o, "secretKey"), text(o, "bucket"));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage() + "; delete it and run ./cpift stack up again", e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void require(String v, String name) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("stack endpoints: " + name + " is missing");
        }
    }

    /** Never prints the secret: endpoints end up in logs. */
    @Override
    public String toString() {
        return "StackEndpoints[kafkaBootstrap=" + kafkaBootstrap + ", s3Endpoint=" + s3Endpoint
                + ", accessKey=" + accessKey + ", secretKey=***, bucket=" + bucket + "]";
    }
}
