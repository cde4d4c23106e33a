package ai.cpift.core.group;

import java.util.List;

/**
 * A rule that puts the groups in the order consolidation runs them (stage 1 first): the cores of
 * earlier stages are frozen in later ones, so the order decides which tasks keep their core
 * untouched longest. The paper orders groups at random; {@link StageOrders} names the choices.
 */
@FunctionalInterface
public interface StageOrder {
    /**
     * @param groups the groups ordered by their first task in input order
     * @param seed   the seed of a random order (ignored by deterministic rules)
     * @return the same groups in stage order
     */
    List<TaskGroup> order(List<TaskGroup> groups, long seed);
}
