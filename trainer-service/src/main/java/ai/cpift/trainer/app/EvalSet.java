package ai.cpift.trainer.app;

import ai.cpift.model.data.SftExample;
import ai.cpift.model.data.SftJsonlReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A task's eval examples as scored: the first {@code limit} of its eval file (the offline pipeline's
 * rule), read once and checked before any training starts.
 *
 * @param task     the task
 * @param key      the eval file's object key
 * @param sha256   the eval file's SHA-256
 * @param examples the examples scored
 */
record EvalSet(String task, String key, String sha256, List<SftExample> examples) {
    EvalSet {
        examples = List.copyOf(examples);
    }

    static EvalSet read(String task, String key, String sha256, Path file, int limit) throws IOException {
        List<SftExample> all = SftJsonlReader.readAll(file);
        return new EvalSet(task, key, sha256, all.subList(0, Math.min(all.size(), limit)));
    }
}
