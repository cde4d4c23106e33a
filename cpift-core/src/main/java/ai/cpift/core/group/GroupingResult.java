package ai.cpift.core.group;

import java.util.List;

/**
 * What the grouping stage decided, with what it was decided from.
 *
 * @param tasks    the task names as given at mask time, in input order
 * @param jaccard  S(Ci, Cj), rows and columns in input order (a copy on every access)
 * @param groups   the groups in stage order (stage 1 first), each its task names sorted
 * @param order    the stage order as the flat list of task names: the groups in stage order, each
 *                 sorted by name. This is the task order fusion and consolidation take (ARCHITECTURE:
 *                 "stage order, then by task name")
 * @param tau      the threshold used
 * @param seed     the seed of the random order (recorded whatever the strategy)
 * @param strategy the stage-order rule, a name from {@link StageOrders}
 */
public record GroupingResult(List<String> tasks, double[][] jaccard, List<List<String>> groups, List<String> order,
                             double tau, long seed, String strategy) {
    public GroupingResult {
        tasks = List.copyOf(tasks);
        jaccard = deepCopy(jaccard);
        groups = groups.stream().map(List::copyOf).toList();
        order = List.copyOf(order);
    }

    @Override
    public double[][] jaccard() {
        return deepCopy(jaccard);
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
