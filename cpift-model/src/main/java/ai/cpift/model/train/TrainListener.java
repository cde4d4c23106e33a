package ai.cpift.model.train;

import java.nio.file.Path;

/** Hears about a training run as it goes, on the training thread: keep it cheap. */
public interface TrainListener {
    TrainListener NONE = new TrainListener() {
    };

    /** Training is about to begin at {@code firstStep} (0, or the step a checkpoint resumes from). */
    default void started(int firstStep, int steps, int examples) {
    }

    /** Every {@link TrainParams#logEvery} steps and after the last one. */
    default void progress(TrainProgress p) {
    }

    /** A checkpoint after {@code step} steps was committed to {@code dir}. */
    default void checkpointed(int step, Path dir) {
    }

    /** Something the user should know (a resumed run, truncated examples, a finished run found). */
    default void message(String line) {
    }
}
