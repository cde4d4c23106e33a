package ai.cpift.platform.store;

import ai.cpift.events.Artifact;
import ai.cpift.events.ModelRef;
import ai.cpift.local.StackEndpoints;
import ai.cpift.local.TestStack;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The object store against a real S3 server (the test stack's S3Proxy). */
class ObjectStoreTest {
    private static ObjectStore store;
    private static MinioClient raw;
    private static StackEndpoints stack;

    @TempDir
    Path tmp;

    @BeforeAll
    static void connect() throws Exception {
        stack = TestStack.shared();
        store = ObjectStore.connect(new StoreConfig(stack.s3Endpoint(), stack.accessKey(), stack.secretKey(), stack.bucket()));
        raw = MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.accessKey(), stack.secretKey()).build();
    }

    @AfterAll
    static void close() throws Exception {
        store.close();
        raw.close();
    }

    private static String prefix() {
        return "test/" + UUID.randomUUID() + "/";
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void fileRoundTripIsCheckedAndAnIdenticalUploadIsSkipped() throws Exception {
        byte[] data = new byte[3_000_001];
        new Random(7).nextBytes(data);
        Path f = Files.write(tmp.resolve("a.bin"), data);
        String key = prefix() + "a.bin";
        Artifact a = store.putFile(key, f);
        assertEquals(new Artifact(key, sha(data), data.length), a);
        var first = raw.statObject(StatObjectArgs.builder().bucket(stack.bucket()).object(key).build()).lastModified();
        Thread.sleep(1100); // S3 times have second resolution
        assertEquals(a, store.putFile(key, f));
        var second = raw.statObject(StatObjectArgs.builder().bucket(stack.bucket()).object(key).build()).lastModified();
        assertEquals(first, second, "the identical upload was skipped");
        Path back = store.get(a, tmp.resolve("back/a.bin"));
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    @Test
    void downloadsAreCheckedAgainstTheRecordedHash() throws Exception {
        String key = prefix() + "b.txt";
        Artifact a = store.putBytes(key, "hello".getBytes(StandardCharsets.UTF_8));
        Artifact wrong = new Artifact(key, sha("hellO".getBytes(StandardCharsets.UTF_8)), 5);
        IntegrityException e = assertThrows(IntegrityException.class, () -> store.get(wrong, tmp.resolve("b.txt")));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("b.txt")), "nothing is left behind by a failed download");
        ObjectMissingException m = assertThrows(ObjectMissingException.class,
                () -> store.getBytes(new Artifact(key + ".missing", a.sha256(), 5)));
        assertTrue(m.getMessage().contains(key + ".missing"), m.getMessage());
    }

    @Test
    void aFolderCountsOnlyOnceItsManifestIsWrittenAndComesBackWhole() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(dir.resolve("config.json"), "{\"a\":1}");
        Files.write(dir.resolve("model.safetensors"), new byte[1234]);
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/step-1"), "not uploaded");
        String p = prefix();
        assertTrue(store.folder(p).isEmpty());
        ModelRef m = store.putFolder(p, dir);
        assertEquals(List.of(p + "config.json", p + "model.safetensors"), m.files().stream().map(Artifact::key).toList());
        assertEquals(m, store.folder(p).orElseThrow());
        Path back = store.getFolder(m, tmp.resolve("back"));
        assertEquals("{\"a\":1}", Files.readString(back.resolve("config.json")));
        assertArrayEquals(new byte[1234], Files.readAllBytes(back.resolve("model.safetensors")));
        assertTrue(Files.notExists(back.resolve("checkpoints")));
    }

    @Test
    void verifyFindsAChangedObject() throws Exception {
        String key = prefix() + "c.txt";
        Artifact a = store.putBytes(key, "original".getBytes(StandardCharsets.UTF_8));
        assertTrue(store.verify(a).isEmpty());
        byte[] other = "tampered".getBytes(StandardCharsets.UTF_8);
        raw.putObject(PutObjectArgs.builder().bucket(stack.bucket()).object(key).stream(new ByteArrayInputStream(other), (long) other.length, null)
                .userMetadata(Map.of("sha256", a.sha256())).build());
        String problem = store.verify(a).orElseThrow();
        assertTrue(problem.contains(sha(other)), problem);
        assertEquals("missing", store.verify(new Artifact(key + "x", a.sha256(), 8)).orElseThrow());
    }
}
