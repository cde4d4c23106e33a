package ai.cpift.model.pipeline;

import ai.cpift.model.train.TrainListener;

/** Hears about a pipeline run as it goes: a line per stage, and each training's own progress. */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() {
    };

    /** A stage starts, is found done, or finishes; one line for the terminal. */
    default void stage(String line) {
    }

    /** The listener of the training called {@code label} (a probe, a consolidation stage, a baseline). */
    default TrainListener training(String label) {
        return TrainListener.NONE;
    }
}
