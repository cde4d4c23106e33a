package ai.cpift.model.train;

/**
 * Where a run stands, reported every {@link TrainParams#logEvery} steps.
 *
 * @param step            optimizer steps done (1-based: the step just finished)
 * @param steps           steps of the whole run
 * @param loss            mean of the step losses since the last report
 * @param lr              the learning rate of the last step
 * @param gradNorm        the gradient norm of the last step, before clipping
 * @param tokensPerSecond real input tokens per second since the last report
 * @param elapsedSeconds  training time of this process so far
 * @param etaSeconds      estimated time to the last step at the recent speed
 */
public record TrainProgress(int step, int steps, double loss, double lr, double gradNorm, double tokensPerSecond,
                            double elapsedSeconds, double etaSeconds) {
}
