package ai.cpift.local;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded stack with real child JVMs: Kafka with transactions, S3 with 64 MiB parts, restart keeps data. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackTest {
    static final int MIB = 1 << 20;
    static final String TOPIC = "cpift.test-topic";
    static final String KEY = "checkpoints/big.bin";

    @TempDir
    static Path root;
    static LocalStack stack;
    static StackEndpoints first;
    static byte[] objectSha;

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.down();
        }
    }

    @Test
    @Order(1)
    void upServesKafkaWithTransactionsAndS3WithLargeParts() throws Exception {
        stack = LocalStack.at(root).withEphemeralPorts().stopOnExit();
        first = stack.up();
        assertEquals(first, StackEndpoints.read(root));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("stack.json"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("credentials.properties"))));
        assertTrue(first.accessKey().length() >= 16 && first.secretKey().length() >= 32, first.toString());
        assertFalse(first.toString().contains(first.secretKey()), "toString must hide the secret");

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", first.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> p = producer(null)) {
            p.send(new ProducerRecord<>(TOPIC, "k", "plain")).get(20, TimeUnit.SECONDS);
        }
        // A transactional commit needs the transaction state topic with replication factor and min ISR 1.
        try (KafkaProducer<String, String> p = producer("cpift-test-tx")) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, "k", "committed"));
            p.commitTransaction();
        }
        assertEquals(List.of("plain", "committed"), readAll(first));

        MinioClient s3 = client(first, first.secretKey());
        assertTrue(s3.bucketExists(BucketExistsArgs.builder().bucket(first.bucket()).build()));
        byte[] data = new byte[70 * MIB];
        new Random(7).nextBytes(data);
        objectSha = MessageDigest.getInstance("SHA-256").digest(data);
        // The platform uploads 64 MiB parts: S3Proxy must accept a part that large, and this is two parts.
        s3.putObject(PutObjectArgs.builder().bucket(first.bucket()).object(KEY)
                .stream(new ByteArrayInputStream(data), (long) data.length, (long) (64 * MIB)).build());
        assertArrayEquals(objectSha, sha(s3, first));

        ErrorResponseException wrong = assertThrows(ErrorResponseException.class,
                () -> client(first, "x".repeat(40)).bucketExists(BucketExistsArgs.builder().bucket(first.bucket()).build()));
        assertEquals("SignatureDoesNotMatch", wrong.errorResponse().code());
    }

    @Test
    @Order(2)
    void upAgainIsACheckAndStatusReportsBoth() throws Exception {
        StackStatus before = stack.status();
        assertTrue(before.allRunning(), before.toString());
        assertEquals(first, stack.up());
        StackStatus after = stack.status();
        assertEquals(before.kafka().pid(), after.kafka().pid(), "a healthy broker is not restarted");
        assertEquals(before.s3().pid(), after.s3().pid());
        assertTrue(after.s3().dataBytes() >= 70L * MIB, after.s3().line());
        assertTrue(after.kafka().dataBytes() > 0, after.kafka().line());
        assertTrue(after.kafka().line().contains("running"), after.kafka().line());
        assertEquals(first.kafkaBootstrap(), after.kafka().endpoint());
        assertEquals(first.s3Endpoint(), after.s3().endpoint());
    }

    @Test
    @Order(3)
    void downThenUpKeepsTopicsObjectsAndKeys() throws Exception {
        long kafkaPid = stack.status().kafka().pid();
        stack.down();
        StackStatus down = stack.status();
        assertTrue(down.noneRunning(), down.toString());
        assertFalse(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(down.kafka().line().contains("stopped"), down.kafka().line());

        StackEndpoints again = stack.up();
        assertEquals(first, again, "same ports, same keys");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", again.kafkaBootstrap()))) {
            assertTrue(admin.listTopics().names().get(20, TimeUnit.SECONDS).contains(TOPIC));
        }
        assertEquals(List.of("plain", "committed"), readAll(again));
        MinioClient s3 = client(again, again.secretKey());
        assertEquals(70L * MIB, s3.statObject(StatObjectArgs.builder().bucket(again.bucket()).object(KEY).build()).size());
        assertArrayEquals(objectSha, sha(s3, again));
    }

    static KafkaProducer<String, String> producer(String txId) {
        Map<String, Object> c = new java.util.HashMap<>(Map.of("bootstrap.servers", first.kafkaBootstrap(), "acks", "all",
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()));
        if (txId != null) {
            c.put("transactional.id", txId);
        }
        return new KafkaProducer<>(c);
    }

    static List<String> readAll(StackEndpoints e) {
        Map<String, Object> c = Map.of("bootstrap.servers", e.kafkaBootstrap(), "isolation.level", "read_committed",
                "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            var tp = new org.apache.kafka.common.TopicPartition(TOPIC, 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    static MinioClient client(StackEndpoints e, String secret) {
        return MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.accessKey(), secret).build();
    }

    static byte[] sha(MinioClient s3, StackEndpoints e) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(e.bucket()).object(KEY).build())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
