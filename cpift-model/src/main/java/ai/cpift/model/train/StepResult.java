package ai.cpift.model.train;

/**
 * What one optimizer step did.
 *
 * @param step       the step, 0-based
 * @param loss       mean cross-entropy over the step's response tokens
 * @param lr         the learning rate it used
 * @param gradNorm   global L2 norm of the (frozen-masked) gradient before clipping
 * @param tokens     real (non-padding) input positions in the step
 * @param lossTokens response positions the loss was taken on
 * @param seconds    wall time of the step
 */
public record StepResult(int step, double loss, double lr, double gradNorm, long tokens, long lossTokens, double seconds) {
}
