package ai.cpift.service;

import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.platform.store.StoreConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The object store, the Kafka settings and the work dir, configured once per service. */
@ApplicationScoped
public class Platform {
    private final PlatformConfig config;
    private final KafkaSettings kafka;
    private ObjectStore store;

    public Platform(PlatformConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        Map<String, Object> overrides = new HashMap<>(config.kafka());
        this.kafka = new KafkaSettings(bootstrap, overrides);
    }

    public PlatformConfig config() {
        return config;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    /** The bucket, connected (and created if missing) on first use. */
    public synchronized ObjectStore store() {
        if (store == null) {
            PlatformConfig.S3 s = config.s3();
            try {
                store = ObjectStore.connect(new StoreConfig(s.endpoint(), s.accessKey(), s.secretKey(), s.bucket()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return store;
    }

    /** {@code <work dir>/<parts...>}, created. */
    public Path workDir(String... parts) {
        Path p = config.workDir();
        for (String part : parts) {
            p = p.resolve(part);
        }
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work dir " + p + "; fix: set cpift.work-dir to a writable folder", e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
