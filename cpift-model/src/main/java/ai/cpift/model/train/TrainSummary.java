package ai.cpift.model.train;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/**
 * The outcome of a run, as written to {@code out/training.json}.
 *
 * @param out             the output folder
 * @param steps           optimizer steps of the run
 * @param resumedFrom     the step this process started at (0 for a fresh run)
 * @param finalLoss       the loss of the last step
 * @param seconds         training time over every process of the run
 * @param alreadyComplete the output already held this very run, nothing was done
 * @param json            the whole {@code training.json}
 */
public record TrainSummary(Path out, int steps, int resumedFrom, double finalLoss, double seconds, boolean alreadyComplete,
                           ObjectNode json) {
}
