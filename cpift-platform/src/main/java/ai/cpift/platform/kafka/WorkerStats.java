package ai.cpift.platform.kafka;

/**
 * A worker's state for health checks and metrics.
 *
 * @param running     the poll loop is alive
 * @param assigned    partitions assigned to this instance
 * @param inFlight    id of the event being handled, or null
 * @param handled     inputs answered with their outputs
 * @param failed      inputs answered with stage-failed
 * @param duplicates  inputs skipped because they were answered before
 * @param lastError   the last infrastructure error of the loop, or null
 */
public record WorkerStats(boolean running, int assigned, String inFlight, long handled, long failed, long duplicates,
                          String lastError) {
}
