package ai.cpift.local;

import java.time.Duration;

/** A point in time by which a start must have succeeded. */
record Deadline(long nanos, Duration budget) {
    Deadline(Duration budget) {
        this(System.nanoTime() + budget.toNanos(), budget);
    }

    boolean passed() {
        return System.nanoTime() - nanos > 0;
    }

    long remainingMillis() {
        return Math.max(0, (nanos - System.nanoTime()) / 1_000_000);
    }
}
