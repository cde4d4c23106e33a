package ai.cpift.events;

/**
 * The hyper-parameters of one fine-tuning as the events record them (the trainer maps them onto its
 * own parameters; everything else keeps the trainer's documented defaults).
 *
 * @param steps     optimizer steps
 * @param lr        peak learning rate (linear warm-up, cosine decay to a tenth)
 * @param warmup    warm-up steps
 * @param batchSize examples per step
 */
public record Training(int steps, double lr, int warmup, int batchSize) {
    public Training {
        if (steps < 1 || !(lr > 0) || !Double.isFinite(lr) || warmup < 0 || batchSize < 1) {
            throw new IllegalArgumentException("training (steps " + steps + ", lr " + lr + ", warmup " + warmup + ", batch " + batchSize
                    + ") is not valid; fix: steps >= 1, lr > 0, warmup >= 0, batch size >= 1");
        }
    }
}
