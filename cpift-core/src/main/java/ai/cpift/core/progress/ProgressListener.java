package ai.cpift.core.progress;

/**
 * Receives progress of long work. Called from worker threads, so implementations must be
 * thread-safe and cheap (throttle any printing).
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (phase, done, total) -> {
    };

    /**
     * @param phase what is being done, e.g. "scan"
     * @param done  units done so far in this phase
     * @param total units in this phase
     */
    void progress(String phase, long done, long total);
}
