package ai.cpift.fusion.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The fusion service's own settings ({@code cpift.fusion.*}); threads and the work dir are the platform's. */
@ConfigMapping(prefix = "cpift.fusion")
public interface FusionConfig {
    /**
     * Check that each mask was computed from the very base and probe being fused (their SHA-256 against
     * the mask header). On: it reads every weight once more, cheap beside the downloads, and a mask of
     * another probe would otherwise transplant the wrong elements silently.
     */
    @WithDefault("true")
    boolean verifyDigests();

    /** Shard cap of the fused folder; Hugging Face's 5 GB default keeps every shard loadable by transformers. */
    @WithDefault("5000000000")
    long maxShardBytes();
}
