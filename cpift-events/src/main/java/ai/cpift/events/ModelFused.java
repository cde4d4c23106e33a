package ai.cpift.events;

import java.util.List;
import java.util.Objects;

/**
 * Stage 4 done: the task models fused into one (each core transplanted, the rest merged by SLERP in
 * stage order).
 *
 * @param fused       the fused model folder
 * @param coreElements elements taken from a task's core
 */
public record ModelFused(EventMeta meta, int generation, PipelineSettings settings, ModelRef base, List<TaskCore> tasks,
                         List<List<String>> groups, List<String> order, ModelRef fused, long coreElements) implements CpiftEvent {
    public static final String TYPE = "ai.cpift.model.fused.v1";

    public ModelFused {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(base, "base");
        tasks = List.copyOf(tasks);
        groups = groups.stream().map(List::copyOf).toList();
        order = List.copyOf(order);
        Objects.requireNonNull(fused, "fused");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return meta.pipeline();
    }
}
