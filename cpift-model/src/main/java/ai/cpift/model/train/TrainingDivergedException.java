package ai.cpift.model.train;

/** The loss or the gradient stopped being finite: the run cannot continue from here. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int step, double loss, double gradNorm) {
        super("training diverged at step " + (step + 1) + ": loss " + loss + ", gradient norm " + gradNorm
                + "; fix: lower the learning rate (--lr), lengthen the warm-up (--warmup) or keep gradient clipping on (--clip)");
    }
}
