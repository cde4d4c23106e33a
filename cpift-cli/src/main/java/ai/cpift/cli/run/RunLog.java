package ai.cpift.cli.run;

import ai.cpift.model.pipeline.PipelineListener;
import ai.cpift.model.train.TrainListener;
import ai.cpift.model.train.TrainProgress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A pipeline's progress on standard error: a line per stage, and for each training a line at most
 * every 10 seconds (and at its end) with step, loss, speed and ETA.
 */
public final class RunLog implements PipelineListener {
    private final PrintWriter err;
    private final long started = System.nanoTime();

    public RunLog(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void stage(String line) {
        err.printf(Locale.ROOT, "%s %s%n", clock(), line);
        err.flush();
    }

    @Override
    public TrainListener training(String label) {
        return new TrainListener() {
            private long last;

            @Override
            public void progress(TrainProgress p) {
                long now = System.nanoTime();
                if (p.step() == p.steps() || now - last > 10_000_000_000L) {
                    last = now;
                    err.printf(Locale.ROOT, "%s   %s: step %d/%d  loss %.4f  %,.0f tok/s  ETA %.0fs%n", clock(), label, p.step(), p.steps(),
                            p.loss(), p.tokensPerSecond(), p.etaSeconds());
                    err.flush();
                }
            }

            @Override
            public void message(String line) {
                err.printf(Locale.ROOT, "%s   %s: %s%n", clock(), label, line);
                err.flush();
            }
        };
    }

    private String clock() {
        long s = (System.nanoTime() - started) / 1_000_000_000L;
        return String.format(Locale.ROOT, "[%02d:%02d]", s / 60, s % 60);
    }
}
