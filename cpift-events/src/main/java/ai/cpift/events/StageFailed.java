package ai.cpift.events;

import java.util.Objects;

/**
 * A stage could not do its work on an event (malformed dataset, missing object, shape mismatch, NaN
 * weights, ...). The service goes on serving; the reason names the input, the place and the fix.
 *
 * @param stage      the service that failed: trainer, mask, cluster, fusion
 * @param subject    the task id or pipeline id the failed work was for
 * @param task       the task name when the failure is a task's (its pipeline then goes on without it), else null
 * @param failedType the type of the event that could not be handled
 * @param reason     what went wrong and how to fix it
 */
public record StageFailed(EventMeta meta, String stage, String subject, String task, String failedType, String reason)
        implements CpiftEvent {
    public static final String TYPE = "ai.cpift.stage.failed.v1";

    public StageFailed {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(failedType, "failed event type");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return subject;
    }
}
