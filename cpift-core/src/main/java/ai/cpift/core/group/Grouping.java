package ai.cpift.core.group;

import java.util.ArrayList;
import java.util.List;

/**
 * The grouping stage (arXiv 2508.21741, step 3): Jaccard similarity of every pair of core
 * regions, an edge where S ≥ τ, groups = connected components, stages = the groups in the order
 * {@link GroupingParams#order()} names.
 */
public final class Grouping {
    private Grouping() {
    }

    /** Groups the tasks of {@code masks} (in that order), computing the matrix on {@code threads} threads. */
    public static GroupingResult group(List<PackedMask> masks, GroupingParams params, int threads) {
        return group(JaccardMatrix.compute(masks, threads), params);
    }

    /** Groups the tasks of a computed matrix (e.g. one grown by {@link JaccardMatrix#extend}). */
    public static GroupingResult group(JaccardMatrix s, GroupingParams params) {
        List<TaskGroup> components = new ArrayList<>();
        for (int[] members : JaccardGraph.components(s, params.tau())) {
            List<String> names = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            long size = 0;
            for (int i : members) {
                names.add(s.tasks().get(i));
                positions.add(i);
                size += s.cardinality(i);
            }
            names.sort(null);
            components.add(new TaskGroup(names, positions, size));
        }
        List<TaskGroup> staged = StageOrders.byName(params.order()).order(components, params.seed());
        List<List<String>> groups = staged.stream().map(TaskGroup::tasks).toList();
        List<String> order = groups.stream().flatMap(List::stream).toList();
        return new GroupingResult(s.tasks(), s.toArray(), groups, order, params.tau(), params.seed(), params.order());
    }
}
