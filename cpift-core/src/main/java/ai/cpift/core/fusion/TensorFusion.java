package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;

import java.util.List;

/**
 * What fusion did to one tensor. Task-indexed lists follow the order the tasks were given in.
 *
 * @param name           the tensor name
 * @param baseDtype      its dtype in the base checkpoint
 * @param outputDtype    its dtype in the output
 * @param elements       its number of elements
 * @param merged         true for a floating tensor (SLERP plus core transplant); false for an integer or bool
 *                       tensor copied from the base unchanged
 * @param coefficients   the SLERP merge as Σ_j c_j θ_j: c_1..c_N (empty when not merged)
 * @param linearSteps    how many of the N−1 SLERP steps took the linear fallback (parallel or null vectors)
 * @param coreElements   |Ci| within this tensor, per task
 * @param transplanted   elements whose output value is θi's, per task: |Ci| minus the conflicts task i lost
 * @param conflicts      elements held by two or more cores, each decided by the largest |θi − θ0|
 */
public record TensorFusion(String name, DType baseDtype, DType outputDtype, long elements, boolean merged,
                           List<Double> coefficients, int linearSteps, List<Long> coreElements, List<Long> transplanted,
                           long conflicts) {
    public TensorFusion {
        coefficients = List.copyOf(coefficients);
        coreElements = List.copyOf(coreElements);
        transplanted = List.copyOf(transplanted);
    }

    /** The output bytes of this tensor. */
    public long outputBytes() {
        return elements * outputDtype.byteSize();
    }
}
