package ai.cpift.core.group;

/**
 * The hyper-parameters of the grouping stage.
 *
 * @param tau   τ, the Jaccard threshold: tasks i ≠ j are linked when S(Ci, Cj) ≥ τ. Default 0.1, the
 *              paper's value (arXiv 2508.21741, with p = 1 %). In [0, 1]: τ = 0 links every pair (one
 *              group); τ = 1 links only identical non-empty cores.
 * @param order the stage-order rule, a name from {@link StageOrders}. Default {@value StageOrders#RANDOM},
 *              as in the paper.
 * @param seed  the seed of the {@value StageOrders#RANDOM} order. Default 0: fixed so that a run
 *              reproduces without being told; pass another seed to draw another order. It is recorded
 *              with the result either way.
 */
public record GroupingParams(double tau, String order, long seed) {
    public static final double DEFAULT_TAU = 0.1;
    public static final String DEFAULT_ORDER = StageOrders.RANDOM;
    public static final long DEFAULT_SEED = 0;

    public GroupingParams {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("Jaccard threshold tau = " + tau + " is outside [0, 1]; the paper uses 0.1");
        }
        StageOrders.byName(order);
    }

    public static GroupingParams defaults() {
        return new GroupingParams(DEFAULT_TAU, DEFAULT_ORDER, DEFAULT_SEED);
    }

    public GroupingParams withTau(double tau) {
        return new GroupingParams(tau, order, seed);
    }

    public GroupingParams withOrder(String order) {
        return new GroupingParams(tau, order, seed);
    }

    public GroupingParams withSeed(long seed) {
        return new GroupingParams(tau, order, seed);
    }
}
