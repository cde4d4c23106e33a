package ai.cpift.trainer.app;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.events.ModelRef;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.Training;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.train.TrainParams;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.platform.store.Sha256;
import ai.cpift.service.Platform;
import ai.cpift.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What both use cases share: the bucket, the work dir, and how an event's settings become a training run. */
@ApplicationScoped
public class TrainerWork {
    private final Platform platform;
    private final TrainerConfig config;

    public TrainerWork(Platform platform, TrainerConfig config) {
        this.platform = platform;
        this.config = config;
    }

    ObjectStore store() {
        return platform.store();
    }

    /**
     * The work folder of one piece of work, named by what it is for and a digest of its inputs: a
     * restarted trainer finds its checkpoints there, and different inputs never meet an old run's files.
     */
    Path workDir(String kind, String name, Object inputs) {
        return platform.workDir(kind, name, Sha256.of(String.valueOf(inputs).getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    }

    /** A model folder of the bucket, downloaded once into a cache shared by every run that starts from it. */
    Path model(ModelRef m) throws IOException {
        Path dir = platform.workDir("models", Sha256.of(String.valueOf(m).getBytes(StandardCharsets.UTF_8)).substring(0, 16));
        return store().getFolder(m, dir);
    }

    /**
     * The run an event's training settings describe, as the offline pipeline maps them: linear warm-up
     * and cosine decay to a tenth, the pipeline's max length and seed, the trainer's log and checkpoint
     * intervals and compute threads, everything else the trainer's documented defaults.
     */
    TrainParams params(Training t, PipelineSettings s) {
        return TrainParams.DEFAULTS.withSteps(t.steps()).withBatch(t.batchSize(), 1).withLr(t.lr(), t.warmup(), 0.1)
                .withMaxLength(s.maxLength()).withSeed(s.seed()).withIntervals(config.logEvery(), config.checkpointEvery())
                .withThreads(platform.config().threads());
    }

    ExactMatch exactMatch(PipelineSettings s) {
        return new ExactMatch(new EvalParams(config.evalMaxNewTokens(), config.evalBatchSize(), s.maxLength()));
    }

    int evalExamples() {
        return config.evalExamples();
    }

    int evalMaxNewTokens() {
        return config.evalMaxNewTokens();
    }

    /** Removes a finished run's work folder (its result is in the bucket). */
    static void clean(Path dir) throws IOException {
        CheckpointWriter.deleteTree(dir);
    }
}
