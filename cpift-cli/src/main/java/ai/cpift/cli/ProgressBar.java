package ai.cpift.cli;

import ai.cpift.core.progress.ProgressListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on standard error: redrawn in place on a terminal, a line per 10 % otherwise
 * (logs stay readable). Thread-safe and throttled.
 */
public final class ProgressBar implements ProgressListener {
    private final PrintWriter err;
    private final String label;
    private final boolean tty;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private String lastPhase = "";
    private int lastDecile = -1;

    public ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
        this.tty = System.console() != null && System.getenv("CI") == null;
    }

    @Override
    public synchronized void progress(String phase, long done, long total) {
        long now = System.nanoTime();
        int decile = total == 0 ? 10 : (int) (10 * done / total);
        boolean phaseChanged = !phase.equals(lastPhase);
        if (tty) {
            if (!phaseChanged && done < total && now - lastDraw < 200_000_000L) {
                return;
            }
            err.print("\r" + line(phase, done, total, now) + (done >= total ? "\n" : ""));
        } else {
            if (!phaseChanged && decile == lastDecile) {
                return;
            }
            err.println(line(phase, done, total, now));
        }
        err.flush();
        lastDraw = now;
        lastPhase = phase;
        lastDecile = decile;
    }

    private String line(String phase, long done, long total, long now) {
        double frac = total == 0 ? 1 : (double) done / total;
        int width = 30;
        int filled = (int) Math.round(frac * width);
        double elapsed = (now - startNanos) / 1e9;
        String eta = frac > 0.01 && frac < 1 ? String.format(Locale.ROOT, " ETA %.0fs", elapsed * (1 - frac) / frac) : "";
        return String.format(Locale.ROOT, "%s %-16s [%s%s] %5.1f%% %.1fs%s", label, phase, "#".repeat(filled),
                " ".repeat(width - filled), 100 * frac, elapsed, eta);
    }
}
