package ai.cpift.platform.store;

import ai.cpift.events.Artifact;
import ai.cpift.events.EventCodec;
import ai.cpift.events.ModelRef;
import io.minio.BucketExistsArgs;
import io.minio.Checksum;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one bucket, through the MinIO SDK. Every object carries its SHA-256 as user metadata; uploads of
 * an object already there with the same hash are skipped (so a redelivered event re-uploads nothing),
 * every download is checked against the hash the event recorded, and a model folder counts as stored
 * only once its manifest (written last) exists.
 */
public final class ObjectStore implements AutoCloseable {
    /** 64 MiB parts: 2-3x the SDK's default throughput here; S3Proxy is configured to accept them. */
    public static final long PART_SIZE = 64L << 20;
    private static final String SHA_META = "sha256";

    private final MinioClient client;
    private final StoreConfig config;

    private ObjectStore(MinioClient client, StoreConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Connects and creates the bucket if it is missing. */
    public static ObjectStore connect(StoreConfig config) throws IOException {
        MinioClient c = MinioClient.builder().endpoint(config.endpoint()).credentials(config.accessKey(), config.secretKey()).build();
        ObjectStore s = new ObjectStore(c, config);
        try {
            if (!c.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                c.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).build());
            }
        } catch (MinioException e) {
            s.close();
            throw s.failure("bucket " + config.bucket(), e);
        }
        return s;
    }

    public StoreConfig config() {
        return config;
    }

    /** Uploads {@code file} to {@code key} unless an object with the same SHA-256 is there. */
    public Artifact putFile(String key, Path file) throws IOException {
        String sha = Sha256.of(file);
        long size = Files.size(file);
        Optional<Artifact> there = stat(key);
        if (there.isPresent() && there.get().sha256().equals(sha) && there.get().bytes() == size) {
            return there.get();
        }
        try (InputStream in = Files.newInputStream(file)) {
            put(key, in, size, sha);
        }
        return new Artifact(key, sha, size);
    }

    public Artifact putBytes(String key, byte[] bytes) throws IOException {
        String sha = Sha256.of(bytes);
        Optional<Artifact> there = stat(key);
        if (there.isPresent() && there.get().sha256().equals(sha)) {
            return there.get();
        }
        put(key, new ByteArrayInputStream(bytes), bytes.length, sha);
        return new Artifact(key, sha, bytes.length);
    }

    /**
     * Uploads the regular files directly in {@code dir} (a Hugging Face folder is flat; a trainer's
     * {@code checkpoints/} sub-folder stays local) under {@code prefix}, then the folder's manifest.
     */
    public ModelRef putFolder(String prefix, Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("folder " + dir + " has no files to upload to " + prefix);
        }
        List<Artifact> out = new ArrayList<>();
        for (Path f : files) {
            out.add(putFile(prefix + f.getFileName(), f));
        }
        ModelRef ref = new ModelRef(prefix, out);
        putBytes(manifestKey(prefix), EventCodec.mapper().writeValueAsBytes(ref));
        return ref;
    }

    /** The model folder under {@code prefix} if it was stored completely (its manifest exists). */
    public Optional<ModelRef> folder(String prefix) throws IOException {
        Optional<Artifact> m = stat(manifestKey(prefix));
        if (m.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EventCodec.mapper().readValue(getBytes(m.get()), ModelRef.class));
    }

    /** The object at {@code key} with its recorded SHA-256, if it exists. */
    public Optional<Artifact> stat(String key) throws IOException {
        try {
            StatObjectResponse r = client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build());
            String sha = r.userMetadata().getFirst(SHA_META);
            if (sha == null) {
                throw new IntegrityException("object " + key + " in bucket " + config.bucket() + " has no sha256 metadata: it was not "
                        + "written by the platform; fix: remove it or upload it again with cpift submit");
            }
            return Optional.of(new Artifact(key, sha, r.size()));
        } catch (ErrorResponseException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw failure(key, e);
        } catch (MinioException e) {
            throw failure(key, e);
        }
    }

    /** Downloads {@code a} to {@code file} (atomically), checking size and SHA-256; an identical local file is kept. */
    public Path get(Artifact a, Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == a.bytes() && Sha256.of(file).equals(a.sha256())) {
            return file;
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".part");
        try {
            MessageDigest md = Sha256.digest();
            long n;
            try (InputStream in = new DigestInputStream(open(a.key()), md); OutputStream out = Files.newOutputStream(tmp)) {
                n = in.transferTo(out);
            }
            check(a, n, HexFormat.of().formatHex(md.digest()));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public byte[] getBytes(Artifact a) throws IOException {
        byte[] b;
        try (InputStream in = open(a.key())) {
            b = in.readAllBytes();
        }
        check(a, b.length, Sha256.of(b));
        return b;
    }

    /** Downloads every file of {@code m} into {@code dir}, checked. */
    public Path getFolder(ModelRef m, Path dir) throws IOException {
        for (Artifact a : m.files()) {
            String name = a.key().substring(m.prefix().length());
            if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
                throw new IOException("model " + m.prefix() + ": file key " + a.key() + " is not a plain file name under the folder");
            }
            get(a, dir.resolve(name));
        }
        return dir;
    }

    /**
     * Reads the stored object again and compares it with what was recorded: empty when it matches,
     * otherwise what is wrong (for {@code cpift audit}).
     */
    public Optional<String> verify(Artifact a) throws IOException {
        Optional<Artifact> there = stat(a.key());
        if (there.isEmpty()) {
            return Optional.of("missing");
        }
        try (InputStream in = open(a.key())) {
            MessageDigest md = Sha256.digest();
            long n = new DigestInputStream(in, md).transferTo(OutputStream.nullOutputStream());
            String sha = HexFormat.of().formatHex(md.digest());
            if (n != a.bytes() || !sha.equals(a.sha256())) {
                return Optional.of("stored " + n + " bytes with sha256 " + sha + ", recorded " + a.bytes() + " bytes with sha256 " + a.sha256());
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // the HTTP client's pools: nothing left to save
        }
    }

    public static String manifestKey(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + ".manifest.json";
    }

    private void put(String key, InputStream in, long size, String sha) throws IOException {
        try {
            client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(in, size, PART_SIZE)
                    .checksum(Checksum.Algorithm.CRC32).userMetadata(Map.of(SHA_META, sha)).build());
        } catch (MinioException e) {
            throw failure(key, e);
        }
    }

    private InputStream open(String key) throws IOException {
        try {
            return client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build());
        } catch (ErrorResponseException e) {
            if (isMissing(e)) {
                throw new ObjectMissingException("object " + key + " is missing from bucket " + config.bucket() + " at " + config.endpoint()
                        + "; fix: submit the task again, or restore the object");
            }
            throw failure(key, e);
        } catch (MinioException e) {
            throw failure(key, e);
        }
    }

    private void check(Artifact a, long n, String sha) throws IntegrityException {
        if (n != a.bytes() || !sha.equals(a.sha256())) {
            throw new IntegrityException("object " + a.key() + " in bucket " + config.bucket() + " does not match its record: " + n
                    + " bytes with sha256 " + sha + ", expected " + a.bytes() + " bytes with sha256 " + a.sha256()
                    + "; fix: the stored object was changed or damaged, upload it again");
        }
    }

    private static boolean isMissing(ErrorResponseException e) {
        String code = e.errorResponse() == null ? "" : e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || (e.response() != null && e.response().code() == 404);
    }

    private IOException failure(String what, MinioException e) {
        String detail = e instanceof ErrorResponseException r && r.errorResponse() != null
                ? r.errorResponse().code() + ": " + r.errorResponse().message() : String.valueOf(e.getMessage());
        return new IOException("S3 " + config.endpoint() + " bucket " + config.bucket() + ", " + what + ": " + detail, e);
    }
}
