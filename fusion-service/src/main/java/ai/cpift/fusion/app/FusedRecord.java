package ai.cpift.fusion.app;

import ai.cpift.events.Artifact;
import ai.cpift.events.ModelRef;

import java.util.List;
import java.util.Map;

/**
 * {@code fusion.json} beside the fused weights: what was fused and what the fusion report said, so a
 * redelivered event can be answered from the bucket alone, and only for the same inputs.
 *
 * @param inputs       the base and each task's probe and mask, in fusion order
 * @param coreElements elements of the output taken from a task's core (|C1 ∪ … ∪ CN|)
 * @param conflicts    elements held by two or more cores
 * @param transplanted per task, elements whose value is that task's
 * @param seconds      fusion time
 */
record FusedRecord(Inputs inputs, long coreElements, long conflicts, Map<String, Long> transplanted, double seconds) {
    static final String FILE_NAME = "fusion.json";

    record Inputs(ModelRef base, List<String> order, List<TaskInput> tasks) {
    }

    record TaskInput(String task, ModelRef probe, Artifact mask) {
    }
}
