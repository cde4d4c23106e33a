package ai.cpift.trainer.app;

import ai.cpift.platform.kafka.Failures;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which local work file stands for which object of the bucket. The library names the files it was
 * given (dataset lines, model folders); a user knows only the object keys, so every error a use case
 * raises has its local paths replaced by the keys they were downloaded from.
 */
final class LocalNames {
    private static final Logger LOG = Logger.getLogger(LocalNames.class);
    private final Map<String, String> byPath = new LinkedHashMap<>();

    /** {@code file} was downloaded from {@code key}. */
    LocalNames file(Path file, String key) {
        byPath.put(file.toAbsolutePath().toString(), key);
        return this;
    }

    /** {@code file}, recorded as downloaded from {@code key}. */
    Path fileOf(Path file, String key) {
        file(file, key);
        return file;
    }

    /** {@code dir} holds the model folder stored under {@code prefix} (ending in '/'). */
    LocalNames folder(Path dir, String prefix) {
        String d = dir.toAbsolutePath().toString();
        byPath.put(d + "/", prefix);
        byPath.put(d, prefix.substring(0, prefix.length() - 1));
        return this;
    }

    /** {@code text} with every known local path replaced by its object key (longest path first). */
    String keysIn(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String path : byPath.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList()) {
            out = out.replace(path, byPath.get(path));
        }
        return out;
    }

    /**
     * The failure to report for {@code e}, met while doing {@code what}: the message says what was being
     * done and names objects, not work files. The original goes to the log only: as a cause it would add
     * its local paths to the stage-failed reason. A server that did not answer is not the input's fault:
     * that failure goes up unchanged, so the stage worker sees its cause and retries the input.
     */
    Exception failure(String what, Exception e) {
        if (Failures.unreachable(e)) {
            return e;
        }
        if (e instanceof StageInputException) {
            LOG.debugf("%s failed: %s", what, e.getMessage());
        } else if (e instanceof RuntimeException && !(e instanceof IllegalArgumentException)) {
            LOG.warnf(e, "%s failed unexpectedly", what); // a defect rather than bad input: keep the stack
        } else {
            LOG.debugf(e, "%s failed", what);
        }
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null && m.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
            String part = t.getMessage() == null ? t.getClass().getSimpleName() : keysIn(t.getMessage());
            if (m.indexOf(part) < 0) {
                m.append(m.isEmpty() ? "" : "; caused by: ").append(part);
            }
        }
        return new StageInputException(what + ": " + m);
    }
}
