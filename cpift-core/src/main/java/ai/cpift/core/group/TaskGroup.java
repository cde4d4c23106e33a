package ai.cpift.core.group;

import java.util.List;

/**
 * One group of the method: a connected component of the similarity graph.
 *
 * @param tasks    the member task names, sorted (String order)
 * @param members  the members' positions in the input, ascending; the first is the group's place in input order
 * @param coreSize Σ |Ci| over the members (the sum of core sizes, not the size of their union)
 */
public record TaskGroup(List<String> tasks, List<Integer> members, long coreSize) {
    public TaskGroup {
        tasks = List.copyOf(tasks);
        members = List.copyOf(members);
        if (tasks.isEmpty() || tasks.size() != members.size()) {
            throw new IllegalArgumentException("a group needs one input position per task: " + tasks + " / " + members);
        }
    }

    /** The position in the input of the group's earliest task. */
    public int firstInput() {
        return members.getFirst();
    }
}
