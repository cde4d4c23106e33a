package ai.cpift.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consolidation stage's training file: a {@link BalancedSampler} sample of each task's JSONL lines,
 * mixed. Shared by the offline pipeline and the trainer service so both train a stage on the same
 * lines for the same seed.
 */
public final class BalancedSampleFile {
    private BalancedSampleFile() {
    }

    /**
     * Writes a balanced sample of {@code perTask} lines of each task's training file, mixed, to
     * {@code file} (once: an existing file is kept, so a resumed run trains on the same sample).
     * Lines are copied as they are, so the sample keeps each example's exact text.
     */
    public static Path write(Map<String, Path> trainFiles, int perTask, long seed, Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return file;
        }
        Map<String, List<String>> lines = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : trainFiles.entrySet()) {
            List<String> nonBlank = new ArrayList<>();
            for (String l : Files.readAllLines(e.getValue(), StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    nonBlank.add(l);
                }
            }
            lines.put(e.getKey(), nonBlank);
        }
        List<String> mixed = BalancedSampler.sample(lines, perTask, seed);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, mixed, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
