package ai.cpift.events;

import java.util.Objects;

/**
 * A task joined a pipeline (from {@code cpift submit}): its data and the pipeline's base model are in
 * the bucket. The trainer answers with a probe fine-tune.
 *
 * @param task     the task name, unique in its pipeline
 * @param settings the pipeline's hyper-parameters
 * @param base     θ0, the pipeline's base model
 * @param train    training data (JSONL: prompt/response, Alpaca or chat lines)
 * @param eval     evaluation data, or null
 */
public record TaskRegistered(EventMeta meta, String task, PipelineSettings settings, ModelRef base, Artifact train, Artifact eval)
        implements CpiftEvent {
    public static final String TYPE = "ai.cpift.task.registered.v1";

    public TaskRegistered {
        Objects.requireNonNull(meta, "meta");
        Names.requireTask(task);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(train, "train");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return Names.taskId(meta.pipeline(), task);
    }
}
