package ai.cpift.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Stage 1 done: the probe θi of one task, fine-tuned from θ0 on that task alone.
 *
 * @param probe    the fine-tuned model folder (its {@code training.json} included)
 * @param steps    optimizer steps run
 * @param tokens   tokens seen
 * @param seconds  training time
 * @param scores   exact match (%) on the task's eval data, by model: {@code base}, {@code probe} (empty without eval data)
 */
public record TaskFineTuned(EventMeta meta, String task, PipelineSettings settings, ModelRef base, Artifact train, Artifact eval,
                            ModelRef probe, long steps, long tokens, double seconds, Map<String, Double> scores)
        implements CpiftEvent {
    public static final String TYPE = "ai.cpift.task.finetuned.v1";

    public TaskFineTuned {
        Objects.requireNonNull(meta, "meta");
        Names.requireTask(task);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(probe, "probe");
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores == null ? Map.of() : scores));
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
