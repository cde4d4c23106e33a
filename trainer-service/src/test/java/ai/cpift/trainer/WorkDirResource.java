package ai.cpift.trainer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh work dir per test JVM: the trainer resumes whatever it finds in its work dir, so a folder
 * left by an earlier test run (the stack, and so the bucket, is new each time) would change what a
 * test sees.
 */
public final class WorkDirResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        try {
            // under the module's target/ rather than the shared /tmp, where other processes run and clean up
            Path target = Files.createDirectories(Path.of("target"));
            return Map.of("cpift.work-dir", Files.createTempDirectory(target, "work-").toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // left for a look after a failed run; mvn clean removes it
    }
}
