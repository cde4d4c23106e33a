package ai.cpift.cli.train;

import ai.cpift.model.train.TrainListener;
import ai.cpift.model.train.TrainProgress;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Training progress on standard error: one line per log interval, so logs and terminals read alike. */
final class TrainLog implements TrainListener {
    private final PrintWriter err;

    TrainLog(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void started(int firstStep, int steps, int examples) {
        err.printf(Locale.ROOT, "cpift train: %d examples, steps %d..%d%n", examples, firstStep + 1, steps);
        err.flush();
    }

    @Override
    public void progress(TrainProgress p) {
        err.printf(Locale.ROOT, "step %d/%d  loss %.4f  lr %.3g  grad %.3g  %,.0f tok/s  %s elapsed  ETA %s%n", p.step(), p.steps(),
                p.loss(), p.lr(), p.gradNorm(), p.tokensPerSecond(), time(p.elapsedSeconds()), time(p.etaSeconds()));
        err.flush();
    }

    @Override
    public void checkpointed(int step, Path dir) {
        err.println("checkpoint " + dir);
        err.flush();
    }

    @Override
    public void message(String line) {
        err.println("cpift train: " + line);
        err.flush();
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
