package ai.cpift.model.pipeline;

import ai.cpift.model.train.SftTrainer;
import ai.cpift.model.train.TrainJob;
import ai.cpift.model.train.TrainListener;
import ai.cpift.model.train.TrainParams;
import ai.cpift.model.train.TrainSummary;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
}
