package ai.cpift.local;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test stack as Kafka and MinIO containers, where a Docker daemon answers. Only touched when one
 * might: Testcontainers without a daemon costs ~0.6 s to say no, and that is paid once per JVM at most.
 */
final class ContainerStack {
    static final String KAFKA_IMAGE_ENV = "CPIFT_TEST_KAFKA_IMAGE";
    static final String MINIO_IMAGE_ENV = "CPIFT_TEST_MINIO_IMAGE";

    private ContainerStack() {
    }

    /** False at once when nothing hints at a daemon, so the usual daemon-less run never loads Testcontainers. */
    static boolean dockerAnswers() {
        boolean hint = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!hint) {
            return false;
        }
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerStack.class.getClassLoader());
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    static StackEndpoints start() throws IOException {
        Credentials keys = Credentials.random();
        String kafkaImage = env(KAFKA_IMAGE_ENV, "apache/kafka:4.1.1");
        String minioImage = env(MINIO_IMAGE_ENV, "minio/minio:RELEASE.2023-09-04T19-57-37Z");
        KafkaContainer kafka = new KafkaContainer(kafkaImage)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        MinIOContainer minio = new MinIOContainer(minioImage).withUserName(keys.accessKey()).withPassword(keys.secretKey());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            minio.stop();
            kafka.stop();
        }, "cpift-test-containers-stop"));
        try {
            kafka.start();
            minio.start();
        } catch (RuntimeException e) {
            throw new IOException("starting the test containers (" + kafkaImage + ", " + minioImage + ") failed: " + e.getMessage()
                    + "; set " + TestStack.MODE_ENV + "=embedded to use the embedded stack instead", e);
        }
        StackEndpoints e = new StackEndpoints(kafka.getBootstrapServers(), minio.getS3URL(), keys.accessKey(), keys.secretKey(),
                StackEndpoints.DEFAULT_BUCKET);
        MinioClient client = MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.accessKey(), e.secretKey()).build();
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(e.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(e.bucket()).build());
            }
        } catch (Exception ex) {
            throw new IOException("creating bucket " + e.bucket() + " in the MinIO container at " + e.s3Endpoint() + " failed: " + ex, ex);
        } finally {
            Health.close(client);
        }
        return e;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
