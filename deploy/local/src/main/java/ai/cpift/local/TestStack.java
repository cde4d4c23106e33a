package ai.cpift.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One Kafka + S3 stack per test JVM, shared by every test class: an external one named by
 * {@code CPIFT_TEST_KAFKA} and {@code CPIFT_TEST_S3_*}, else Testcontainers when a Docker daemon answers,
 * else the embedded child JVMs in a temp folder on free ports. {@code CPIFT_TEST_STACK=external|docker|embedded}
 * forces a choice. Stopped when the JVM exits.
 */
public final class TestStack {
    public static final String MODE_ENV = "CPIFT_TEST_STACK";
    public static final String KAFKA_ENV = "CPIFT_TEST_KAFKA";
    public static final String S3_ENDPOINT_ENV = "CPIFT_TEST_S3_ENDPOINT";
    public static final String S3_ACCESS_KEY_ENV = "CPIFT_TEST_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY_ENV = "CPIFT_TEST_S3_SECRET_KEY";
    public static final String S3_BUCKET_ENV = "CPIFT_TEST_S3_BUCKET";

    // Quarkus loads test resources in a class loader per application, so a static field alone would start
    // one stack per loader: the shared endpoints live in system properties, guarded by an interned string,
    // both of which every loader of this JVM sees.
    private static final Object LOCK = "ai.cpift.local.TestStack.lock".intern();
    // not under "cpift.": the services' config mapping of that prefix rejects keys it does not know
    private static final String PROP = "cpift-test-stack.";

    private TestStack() {
    }

    /** The stack of this JVM, started on first call. */
    public static StackEndpoints shared() {
        synchronized (LOCK) {
            String kafka = System.getProperty(PROP + "kafka");
            if (kafka != null) {
                return new StackEndpoints(kafka, System.getProperty(PROP + "s3"), System.getProperty(PROP + "access"),
                        System.getProperty(PROP + "secret"), System.getProperty(PROP + "bucket"));
            }
            String failed = System.getProperty(PROP + "error");
            if (failed != null) {
                // Every test class asks; a start that failed once is not retried for a minute each time.
                throw new IllegalStateException("cpift test stack: the first start in this JVM failed: " + failed);
            }
            StackEndpoints e;
            try {
                e = switch (mode()) {
                    case "external" -> external(System.getenv());
                    case "docker" -> ContainerStack.start();
                    default -> embedded();
                };
            } catch (IOException ex) {
                System.setProperty(PROP + "error", ex.getMessage());
                throw new UncheckedIOException("cpift test stack: " + ex.getMessage(), ex);
            } catch (RuntimeException ex) {
                System.setProperty(PROP + "error", String.valueOf(ex.getMessage()));
                throw ex;
            }
            System.setProperty(PROP + "kafka", e.kafkaBootstrap());
            System.setProperty(PROP + "s3", e.s3Endpoint());
            System.setProperty(PROP + "access", e.accessKey());
            System.setProperty(PROP + "secret", e.secretKey());
            System.setProperty(PROP + "bucket", e.bucket());
            System.setProperty(PROP + "mode", mode());
            return e;
        }
    }

    /** Which kind of stack {@link #shared()} starts or started: external, docker or embedded. */
    public static String mode() {
        String chosen = System.getProperty(PROP + "mode");
        if (chosen != null) {
            return chosen;
        }
        String forced = System.getenv(MODE_ENV);
        if (forced != null && !forced.isBlank() && !forced.equalsIgnoreCase("auto")) {
            String m = forced.strip().toLowerCase(Locale.ROOT);
            if (!m.equals("external") && !m.equals("docker") && !m.equals("embedded")) {
                throw new IllegalArgumentException(MODE_ENV + "=" + forced + ": use auto, external, docker or embedded");
            }
            System.setProperty(PROP + "mode", m);
            return m;
        }
        String m = System.getenv(KAFKA_ENV) != null ? "external" : ContainerStack.dockerAnswers() ? "docker" : "embedded";
        System.setProperty(PROP + "mode", m);
        return m;
    }

    static StackEndpoints external(Map<String, String> env) {
        String kafka = env.get(KAFKA_ENV);
        String s3 = env.get(S3_ENDPOINT_ENV);
        String access = env.get(S3_ACCESS_KEY_ENV);
        String secret = env.get(S3_SECRET_KEY_ENV);
        if (kafka == null || s3 == null || access == null || secret == null) {
            throw new IllegalArgumentException("an external test stack needs " + KAFKA_ENV + ", " + S3_ENDPOINT_ENV + ", "
                    + S3_ACCESS_KEY_ENV + " and " + S3_SECRET_KEY_ENV + " (and optionally " + S3_BUCKET_ENV
                    + "); set the missing ones or unset " + KAFKA_ENV + " to use a stack started by the tests");
        }
        String bucket = env.getOrDefault(S3_BUCKET_ENV, StackEndpoints.DEFAULT_BUCKET);
        return new StackEndpoints(kafka, s3, access, secret, bucket);
    }

    private static StackEndpoints embedded() throws IOException {
        Path dir = Files.createTempDirectory("cpift-stack-");
        LocalStack stack = LocalStack.at(dir).withEphemeralPorts().stopOnExit();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.down();
                deleteTree(dir);
            } catch (IOException | RuntimeException e) {
                System.err.println("cpift test stack: cleaning up " + dir + " failed: " + e.getMessage());
            }
        }, "cpift-test-stack-cleanup"));
        return stack.up();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
