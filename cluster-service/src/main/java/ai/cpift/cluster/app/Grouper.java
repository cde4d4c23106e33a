package ai.cpift.cluster.app;

import ai.cpift.events.MaskComputed;

import java.util.List;

/**
 * Stage 3 for one generation of a pipeline: group the tasks of {@code masks} and store the result
 * ({@code groups.json}). The topology calls it; the service's is {@link StoredGrouping} (masks and
 * result in the bucket), a test may give one that reads local files.
 */
@FunctionalInterface
public interface Grouper {
    /**
     * @param masks the latest mask of every task of the generation, sorted by task name
     * @throws Exception with a message naming the input at fault and the fix; the topology turns it into a StageFailed
     */
    GroupingOutcome group(String pipeline, int generation, List<MaskComputed> masks) throws Exception;
}
