package ai.cpift.model.pipeline;

import ai.cpift.model.data.BalancedSampler;
import ai.cpift.model.train.SftTrainer;
import ai.cpift.model.train.TrainJob;
import ai.cpift.model.train.TrainListener;
import ai.cpift.model.train.TrainParams;
import ai.cpift.model.train.TrainSummary;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every training of a run goes through here: one {@link SftTrainer} job per output folder, which
 * makes each resumable on its own (a finished folder is not trained again, an interrupted one
 * resumes from its last checkpoint).
 */
final class Trainings {
    /** A checkpoint this often: a killed run loses at most this many steps of one training. */
    static final int CHECKPOINT_EVERY = 100;

    private final PipelineConfig cfg;
    private final Function<String, TrainListener> listeners;

    Trainings(PipelineConfig cfg, Function<String, TrainListener> listeners) {
        this.cfg = cfg;
        this.listeners = listeners;
    }

    /** Trains {@code model} on {@code data} mixed into {@code out}, freezing the union of {@code freeze}. */
    ObjectNode train(String label, Path model, List<Path> data, List<Path> freeze, Path out, PipelineConfig.Training t, long seed)
            throws IOException {
        TrainParams p = TrainParams.DEFAULTS.withSteps(t.steps()).withBatch(t.batchSize() > 0 ? t.batchSize() : cfg.batchSize(), 1).withLr(t.lr(), t.warmup(), 0.1)
                .withMaxLength(cfg.maxLength()).withSeed(seed).withIntervals(10, CHECKPOINT_EVERY).withThreads(cfg.threads());
        TrainSummary s = SftTrainer.run(TrainJob.of(model, data, freeze, out, p), listeners.apply(label));
        return s.json();
    }

    /**
     * Writes a balanced sample of {@code perTask} lines of each task's training file, mixed, to
     * {@code file} (once: an existing file is kept, so a resumed run trains on the same sample).
     * Lines are copied as they are, so the sample keeps each example's exact text.
     */
    static Path sample(Map<String, Path> trainFiles, int perTask, long seed, Path file) throws IOException {
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
