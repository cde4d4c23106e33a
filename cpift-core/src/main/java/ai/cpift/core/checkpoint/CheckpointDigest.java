package ai.cpift.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of a checkpoint's weights: SHA-256 over the bytes of its safetensors files
 * concatenated in file-name order. For a single-file checkpoint it equals
 * {@code sha256sum model.safetensors}.
 */
public final class CheckpointDigest {
    private CheckpointDigest() {
    }

    public static String sha256(Checkpoint c) throws IOException {
        return sha256(c.weightFiles());
    }

    public static String sha256(List<Path> files) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 20];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in the JDK", e);
        }
    }
}
