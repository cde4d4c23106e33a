package ai.cpift.cli;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;

/**
 * Remembers checkpoint digests so a checkpoint is hashed once, not on every command: SHA-256 runs
 * at about 1 GB/s here, slower than the stages themselves. Entries live under
 * {@code $XDG_CACHE_HOME/cpift/digests} (or {@code ~/.cache}; the system property
 * {@code cpift.cache.dir} overrides), keyed by the weight files' paths,
 * sizes and modification times, so a changed file is hashed again. Never written into the model
 * folder.
 */
public final class DigestCache {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DigestCache() {
    }

    public static String sha256(Checkpoint c) throws IOException {
        StringBuilder key = new StringBuilder();
        for (Path f : c.weightFiles()) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            key.append(f.toAbsolutePath().normalize()).append('|').append(a.size()).append('|')
                    .append(a.lastModifiedTime().toMillis()).append('\n');
        }
        String id = HexFormat.of().formatHex(CheckpointDigest.newSha256().digest(key.toString().getBytes(StandardCharsets.UTF_8)));
        Path entry = dir().resolve(id + ".json");
        if (Files.isRegularFile(entry)) {
            try {
                var node = JSON.readTree(entry.toFile());
                if (key.toString().equals(node.path("key").asText()) && node.path("sha256").asText().length() == 64) {
                    return node.path("sha256").asText();
                }
            } catch (IOException ignored) {
                // A damaged cache entry is recomputed below.
            }
        }
        String sha = CheckpointDigest.sha256(c);
        try {
            Files.createDirectories(entry.getParent());
            ObjectNode node = JSON.createObjectNode().put("key", key.toString()).put("sha256", sha);
            Path tmp = Files.createTempFile(entry.getParent(), id, ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(node));
            Files.move(tmp, entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // A cache that cannot be written only costs time.
        }
        return sha;
    }

    static Path dir() {
        String override = System.getProperty("cpift.cache.dir");
        if (override != null) {
            return Path.of(override).resolve("digests");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("cpift").resolve("digests");
    }
}
