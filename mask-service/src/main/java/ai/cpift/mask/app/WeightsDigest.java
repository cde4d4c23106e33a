package ai.cpift.mask.app;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.ShardIndex;
import ai.cpift.events.Artifact;
import ai.cpift.events.ModelRef;

import java.util.Optional;

/**
 * The weights digest a mask header records ({@link ai.cpift.core.checkpoint.CheckpointDigest}: SHA-256 of
 * the safetensors files concatenated in name order), read off a stored model where that needs no download.
 */
final class WeightsDigest {
    private WeightsDigest() {
    }

    /**
     * For a single-file model the digest is the SHA-256 of {@code model.safetensors}, which the model's
     * record already holds; a sharded model's digest spans all shards and needs the bytes, so it is empty.
     */
    static Optional<String> known(ModelRef m) {
        boolean sharded = m.files().stream().anyMatch(a -> a.key().equals(m.prefix() + ShardIndex.FILE_NAME));
        if (sharded) {
            return Optional.empty();
        }
        return m.files().stream().filter(a -> a.key().equals(m.prefix() + Checkpoint.SINGLE_FILE)).findFirst().map(Artifact::sha256);
    }
}
