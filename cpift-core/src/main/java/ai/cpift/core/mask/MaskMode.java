package ai.cpift.core.mask;

/** How the core region is chosen. */
public enum MaskMode {
    /** The method's definition: the top p % of |Δ| over the whole model. */
    GLOBAL,
    /** An option: the top p % of |Δ| within each tensor separately. */
    PER_TENSOR
}
