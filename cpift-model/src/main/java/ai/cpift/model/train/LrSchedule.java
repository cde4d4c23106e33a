package ai.cpift.model.train;

/**
 * Linear warm-up, then cosine decay to a floor, as nanoGPT schedules it: step {@code s} (from 0)
 * of a warm-up of {@code w} steps trains at {@code lr × (s+1)/(w+1)}, so the first step already
 * moves the weights; after it the rate falls from {@code lr} along half a cosine to
 * {@code lr × minLrRatio}, which the last step reaches.
 */
public record LrSchedule(double lr, int warmupSteps, int steps, double minLrRatio) {

    public static LrSchedule of(TrainParams p) {
        return new LrSchedule(p.lr(), p.warmupSteps(), p.steps(), p.minLrRatio());
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) {
            return lr * (step + 1) / (warmupSteps + 1);
        }
        double min = lr * minLrRatio;
        int decay = steps - 1 - warmupSteps;
        double progress = decay <= 0 ? 0 : Math.min(1, (double) (step - warmupSteps) / decay);
        return min + 0.5 * (lr - min) * (1 + StrictMath.cos(Math.PI * progress));
    }
}
