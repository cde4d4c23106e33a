package ai.cpift.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What every service is configured with ({@code cpift.*}); the broker is the standard {@code kafka.bootstrap.servers}. */
@ConfigMapping(prefix = "cpift")
public interface PlatformConfig {
    /** This instance's name, unique among a service's instances (the pod name on Kubernetes). */
    @WithDefault("${HOSTNAME:local}")
    String instance();

    S3 s3();

    /** Local scratch space for downloads and running work; a restarted instance resumes from what is here. */
    @WithDefault("${java.io.tmpdir}/cpift-work")
    Path workDir();

    /** How long a stopping instance lets its in-flight input finish before handing it back. */
    @WithDefault("30s")
    Duration shutdownGrace();

    /** Compute threads for the stage's library call (training, core region, fusion). */
    @WithDefault("1")
    int threads();

    /** Kafka client overrides, e.g. {@code cpift.kafka."consumer.max.poll.interval.ms"=600000}. */
    Map<String, String> kafka();

    interface S3 {
        String endpoint();

        String accessKey();

        String secretKey();

        @WithDefault("cpift")
        String bucket();
    }
}
