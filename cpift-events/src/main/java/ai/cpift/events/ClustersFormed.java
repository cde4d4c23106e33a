package ai.cpift.events;

import java.util.List;
import java.util.Objects;

/**
 * Stage 3 done for one generation of a pipeline: every registered task has a core, the tasks are
 * grouped (Jaccard of the cores, edges at τ, connected components) and the groups put in stage order.
 * A task registered later starts the next generation.
 *
 * @param generation 1 for the first grouping of the pipeline, one more for each later one
 * @param tasks      the tasks, in the order of {@code jaccard}'s rows
 * @param jaccard    the symmetric Jaccard matrix of the cores
 * @param groups     each group's task names sorted, groups in stage order
 * @param order      every task in stage order, then by name: the order fusion takes them in
 * @param grouping   the same as a JSON object in the bucket ({@code groups.json})
 */
public record ClustersFormed(EventMeta meta, int generation, PipelineSettings settings, ModelRef base, List<TaskCore> tasks,
                             List<List<Double>> jaccard, List<List<String>> groups, List<String> order, Artifact grouping)
        implements CpiftEvent {
    public static final String TYPE = "ai.cpift.clusters.formed.v1";

    public ClustersFormed {
        Objects.requireNonNull(meta, "meta");
        if (generation < 1) {
            throw new IllegalArgumentException("generation " + generation + " must be at least 1");
        }
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(base, "base");
        tasks = List.copyOf(tasks);
        jaccard = jaccard.stream().map(List::copyOf).toList();
        groups = groups.stream().map(List::copyOf).toList();
        order = List.copyOf(order);
        Objects.requireNonNull(grouping, "grouping");
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
