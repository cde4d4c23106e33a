package ai.cpift.local;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Waits until the children answer real client calls, not merely until their ports open. */
final class Health {
    private static final Set<String> AUTH_ERRORS = Set.of("SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied");

    private Health() {
    }

    static void awaitKafka(Child kafka, String bootstrap, Deadline deadline) throws IOException {
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        Exception last = null;
        Admin admin = null;
        try {
            while (true) {
                if (kafka.running().isEmpty()) {
                    throw new IOException("the Kafka broker exited while starting: read " + kafka.logFile() + "; its last lines:\n"
                            + kafka.logTail(25));
                }
                if (deadline.passed()) {
                    throw new IOException("the Kafka broker on " + bootstrap + " did not answer within " + deadline.budget().toSeconds()
                            + " s" + (last == null ? "" : " (" + last + ")") + ": read " + kafka.logFile() + "; its last lines:\n"
                            + kafka.logTail(25));
                }
                if (Ports.open(port)) {
                    if (admin == null) {
                        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                AdminClientConfig.CLIENT_ID_CONFIG, "cpift-stack-check",
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
                    }
                    try {
                        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                            admin.listTopics().names().get(5, TimeUnit.SECONDS);
                            return;
                        }
                    } catch (Exception e) {
                        last = e;
                    }
                }
                sleep(150);
            }
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
            }
        }
    }

    /** Waits for S3 and makes sure the bucket exists; wrong keys fail at once, they will not get better. */
    static void awaitS3(Child s3, StackEndpoints e, Deadline deadline, Path root) throws IOException {
        int port = URI.create(e.s3Endpoint()).getPort();
        // Closed at the end: its OkHttp dispatcher threads are not daemons and would hold a CLI JVM for a minute.
        MinioClient client = MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.accessKey(), e.secretKey()).build();
        try {
            awaitS3(s3, e, deadline, root, client, port);
        } finally {
            close(client);
        }
    }

    /** Releases the client's threads and connections; nothing it held matters once the check is over. */
    static void close(MinioClient client) {
        try {
            client.close();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // Only pools of a finished check.
        }
    }

    private static void awaitS3(Child s3, StackEndpoints e, Deadline deadline, Path root, MinioClient client, int port) throws IOException {
        Exception last = null;
        while (true) {
            if (s3.running().isEmpty()) {
                throw new IOException("S3Proxy exited while starting: read " + s3.logFile() + "; its last lines:\n" + s3.logTail(25));
            }
            if (deadline.passed()) {
                throw new IOException("S3Proxy on " + e.s3Endpoint() + " did not answer within " + deadline.budget().toSeconds() + " s"
                        + (last == null ? "" : " (" + last + ")") + ": read " + s3.logFile() + "; its last lines:\n" + s3.logTail(25));
            }
            if (Ports.open(port)) {
                try {
                    if (!client.bucketExists(BucketExistsArgs.builder().bucket(e.bucket()).build())) {
                        client.makeBucket(MakeBucketArgs.builder().bucket(e.bucket()).build());
                    }
                    return;
                } catch (ErrorResponseException er) {
                    if (AUTH_ERRORS.contains(er.errorResponse().code())) {
                        throw new IOException("S3 on " + e.s3Endpoint() + " refused the keys in " + root.resolve(Credentials.FILE_NAME) + " ("
                                + er.errorResponse().code() + "): the running server has other keys; restart the stack"
                                + " (cpift stack down, then up)", er);
                    }
                    last = er;
                } catch (Exception ex) {
                    last = ex;
                }
            }
            sleep(150);
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the local stack", e);
        }
    }
}
