package ai.cpift.events;

import java.util.List;
import java.util.Objects;

/**
 * A Hugging Face model folder in the bucket: the key prefix (ending in '/') and every file under it,
 * so the folder loads unchanged in the Python ecosystem and each file is checked on download.
 */
public record ModelRef(String prefix, List<Artifact> files) {
    public ModelRef {
        Objects.requireNonNull(prefix, "model prefix");
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("model prefix '" + prefix + "' must end with '/'");
        }
        files = List.copyOf(files);
        for (Artifact a : files) {
            if (!a.key().startsWith(prefix)) {
                throw new IllegalArgumentException("file " + a.key() + " lies outside the model folder " + prefix);
            }
        }
    }
}
