package ai.cpift.cli.audit;

import java.time.Instant;

/**
 * One event of the lineage as the audit lists it: when its emitter stamped it, where it sits in the log,
 * what it is, who emitted it (CloudEvents source) and the event that caused it (null for a user's submit).
 */
public record AuditEntry(Instant time, String topic, int partition, long offset, String type, String id, String subject, String source,
                         String cause) {
}
