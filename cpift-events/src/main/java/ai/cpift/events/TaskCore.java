package ai.cpift.events;

import java.util.Objects;

/**
 * One task as grouping, fusion and consolidation need it: its probe model, its core mask, its data,
 * and the id of the mask-computed event it comes from.
 *
 * @param task         task name
 * @param probe        the task's fine-tuned model θi
 * @param mask         the task's core mask file
 * @param coreElements elements in the core
 * @param train        training data (JSONL)
 * @param eval         evaluation data (JSONL), or null when the task has none
 * @param maskEvent    id of the mask-computed event
 */
public record TaskCore(String task, ModelRef probe, Artifact mask, long coreElements, Artifact train, Artifact eval,
                       String maskEvent) {
    public TaskCore {
        Names.requireTask(task);
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(maskEvent, "mask event id");
    }
}
