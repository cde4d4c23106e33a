package ai.cpift.events;

import java.util.List;
import java.util.Objects;

/**
 * The hyper-parameters of a pipeline, fixed when its first task is registered and carried by every
 * later event so each stage records what it used.
 *
 * @param probe             stage 1, the per-task fine-tune
 * @param topPercent        stage 2, p: the core is the top p % of |θi − θ0| over the whole model (paper: 1)
 * @param tau               stage 3, τ: an edge between two tasks when their cores' Jaccard is at least this (paper: 0.1)
 * @param stageOrder        stage 3, the order of the groups: {@code random} (seeded) or {@code largest-first}
 * @param seed              seeds the stage order, data order and consolidation samples
 * @param consolidation     stage 5, each consolidation stage
 * @param perTask           stage 5, examples of each task in a stage's balanced sample
 * @param consolidationData stage 5, {@code group} (each stage on its group's tasks, the paper's) or {@code mixed} (all tasks)
 * @param maxLength         token positions of a training row
 */
public record PipelineSettings(Training probe, double topPercent, double tau, String stageOrder, long seed,
                               Training consolidation, int perTask, String consolidationData, int maxLength) {
    public static final List<String> STAGE_ORDERS = List.of("random", "largest-first");
    public static final List<String> CONSOLIDATION_DATA = List.of("group", "mixed");

    public PipelineSettings {
        Objects.requireNonNull(probe, "probe training");
        Objects.requireNonNull(consolidation, "consolidation training");
        if (!(topPercent > 0 && topPercent <= 100)) {
            throw new IllegalArgumentException("top percent " + topPercent + " must lie in (0, 100]; the paper uses 1");
        }
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau " + tau + " must lie in [0, 1]; the paper uses 0.1");
        }
        if (!STAGE_ORDERS.contains(stageOrder)) {
            throw new IllegalArgumentException("stage order '" + stageOrder + "' is not one of " + STAGE_ORDERS);
        }
        if (!CONSOLIDATION_DATA.contains(consolidationData)) {
            throw new IllegalArgumentException("consolidation data '" + consolidationData + "' is not one of " + CONSOLIDATION_DATA);
        }
        if (perTask < 1 || maxLength < 1) {
            throw new IllegalArgumentException("per-task sample " + perTask + " and max length " + maxLength + " must be at least 1");
        }
    }
}
