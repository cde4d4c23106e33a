package ai.cpift.core.fusion;

/**
 * Receives progress as tensors complete, for a terminal progress line. Calls are serialised
 * (never two at once) and the counts never decrease, but they come from worker threads: keep
 * the work done here small.
 */
@FunctionalInterface
public interface FusionProgress {
    FusionProgress NONE = (tensorsDone, tensorsTotal, bytesDone, bytesTotal) -> { };

    /**
     * @param tensorsDone  output tensors complete
     * @param tensorsTotal output tensors in all
     * @param bytesDone    output bytes of the complete tensors
     * @param bytesTotal   output bytes in all
     */
    void update(int tensorsDone, int tensorsTotal, long bytesDone, long bytesTotal);
}
