package ai.cpift.trainer.app;

import ai.cpift.events.StageOutcome;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;

/**
 * One consolidation stage as done (or found stored): its outcome for the event, where its model lies
 * in the work dir, its {@code training.json}, the seed of its sample.
 */
record StageRun(StageOutcome outcome, Path model, JsonNode training, long sampleSeed) {
}
