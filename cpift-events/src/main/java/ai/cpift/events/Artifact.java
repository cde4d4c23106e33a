package ai.cpift.events;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One object in the bucket: its key, the SHA-256 of its bytes (lower-case hex) and its size. Every
 * download is checked against the hash; {@code cpift audit} checks the stored object still matches.
 */
public record Artifact(String key, String sha256, long bytes) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Artifact {
        Objects.requireNonNull(key, "object key");
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("object " + key + ": sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("object " + key + ": size " + bytes + " is negative");
        }
    }
}
