package ai.cpift.cli.connect;

import ai.cpift.local.StackEndpoints;
import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.store.StoreConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The options of the commands that talk to a running stack. Whatever is not given comes from the local
 * stack's file {@code $CPIFT_HOME/.cpift/stack.json}; the S3 secret from {@code CPIFT_S3_SECRET_KEY} first,
 * because an option's value shows in the process list and the shell history.
 */
public final class StackOptions {
    public static final String SECRET_ENV = "CPIFT_S3_SECRET_KEY";
    public static final String DEFAULT_BUCKET = "cpift";

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers. Default: the local stack's.")
    String kafka;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint. Default: the local stack's.")
    String s3Endpoint;

    @Option(names = "--s3-access-key", paramLabel = "KEY", description = "S3 access key. Default: the local stack's.")
    String accessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", description = "S3 secret key; prefer the environment variable "
            + SECRET_ENV + ". Default: the local stack's.")
    String secretKey;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The platform's bucket. Default: the local stack's, else "
            + DEFAULT_BUCKET + ".")
    String bucket;

    /** Resolves against this process's environment; the stack file lies under {@code $CPIFT_HOME/.cpift} (else ./.cpift). */
    public Endpoints resolve() throws IOException {
        return resolve(System.getenv());
    }

    Endpoints resolve(Map<String, String> env) throws IOException {
        String home = env.get("CPIFT_HOME");
        Path root = (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().resolve(".cpift");
        String secret = env.get(SECRET_ENV) != null && !env.get(SECRET_ENV).isBlank() ? env.get(SECRET_ENV) : secretKey;
        StackEndpoints file = kafka != null && s3Endpoint != null && accessKey != null && secret != null ? null : readStack(root);
        if (file == null && (kafka == null || s3Endpoint == null || accessKey == null || secret == null)) {
            throw new IOException("no stack to talk to: " + root.resolve(StackEndpoints.FILE_NAME) + " does not exist and "
                    + missing(secret) + " not given; fix: start the local stack with ./cpift stack up, or give --kafka, "
                    + "--s3-endpoint, --s3-access-key and " + SECRET_ENV + " (or --s3-secret-key)");
        }
        return new Endpoints(KafkaSettings.of(kafka != null ? kafka : file.kafkaBootstrap()),
                new StoreConfig(s3Endpoint != null ? s3Endpoint : file.s3Endpoint(), accessKey != null ? accessKey : file.accessKey(),
                        secret != null ? secret : file.secretKey(),
                        bucket != null ? bucket : file != null ? file.bucket() : DEFAULT_BUCKET));
    }

    /** The local stack's endpoints, or null when no stack was started under {@code root}. */
    private static StackEndpoints readStack(Path root) throws IOException {
        return Files.exists(root.resolve(StackEndpoints.FILE_NAME)) ? StackEndpoints.read(root) : null;
    }

    private String missing(String secret) {
        StringBuilder b = new StringBuilder();
        if (kafka == null) {
            b.append("--kafka");
        }
        if (s3Endpoint == null) {
            b.append(b.isEmpty() ? "" : ", ").append("--s3-endpoint");
        }
        if (accessKey == null) {
            b.append(b.isEmpty() ? "" : ", ").append("--s3-access-key");
        }
        if (secret == null) {
            b.append(b.isEmpty() ? "" : ", ").append(SECRET_ENV);
        }
        return b + (b.indexOf(",") < 0 ? " is" : " are");
    }
}
