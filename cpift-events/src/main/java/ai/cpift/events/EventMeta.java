package ai.cpift.events;

import java.time.Instant;
import java.util.Objects;

/**
 * What every event carries besides its payload, enough to rebuild the lineage from the log alone.
 *
 * @param id       unique id of this event (CloudEvents {@code ce_id})
 * @param pipeline the pipeline it belongs to
 * @param cause    id of the event that caused it; null only for an event a user submitted
 * @param source   who emitted it: the service and its instance, or {@code cpift-cli} (CloudEvents {@code ce_source})
 * @param time     when it was emitted
 */
public record EventMeta(String id, String pipeline, String cause, String source, Instant time) {
    public EventMeta {
        Objects.requireNonNull(id, "event id");
        Names.requirePipeline(pipeline);
        Objects.requireNonNull(source, "event source");
        Objects.requireNonNull(time, "event time");
    }

    /** Meta for an event caused by {@code cause}, emitted now by {@code source}, with a fresh id. */
    public static EventMeta causedBy(CpiftEvent cause, String source) {
        return new EventMeta(EventIds.random(), cause.meta().pipeline(), cause.meta().id(), source, Instant.now());
    }
}
