package ai.cpift.cluster.app;

import ai.cpift.core.group.GroupingResult;
import ai.cpift.events.Artifact;

import java.util.Objects;

/**
 * One generation's grouping and where it is stored.
 *
 * @param result the grouping: tasks in name order, their Jaccard matrix, the groups in stage order
 * @param stored {@code groups.json} in the bucket
 */
public record GroupingOutcome(GroupingResult result, Artifact stored) {
    public GroupingOutcome {
        Objects.requireNonNull(result, "grouping result");
        Objects.requireNonNull(stored, "stored groups.json");
    }
}
