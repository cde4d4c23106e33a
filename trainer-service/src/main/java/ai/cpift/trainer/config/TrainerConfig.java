package ai.cpift.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The trainer's own settings ({@code cpift.trainer.*}); the training hyper-parameters come with each
 * event (the pipeline's settings), these only decide how often the run reports and saves, and how the
 * models are scored.
 */
@ConfigMapping(prefix = "cpift.trainer")
public interface TrainerConfig {
    /**
     * A resumable checkpoint in the work dir every this many steps: a restarted trainer loses at most
     * this many steps of the run it was in (the offline pipeline uses the same interval).
     */
    @WithDefault("100")
    int checkpointEvery();

    /** A training-progressed event every this many steps (and after the last). */
    @WithDefault("10")
    int logEvery();

    /** Eval examples scored per task and model (the first ones of the eval file); the pipeline's default. */
    @WithDefault("100")
    int evalExamples();

    /** Greedy tokens generated per eval answer before it counts as wrong; the pipeline's default. */
    @WithDefault("16")
    int evalMaxNewTokens();

    /** Rows per forward pass while scoring. */
    @WithDefault("32")
    int evalBatchSize();
}
