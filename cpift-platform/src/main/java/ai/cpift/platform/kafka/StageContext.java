package ai.cpift.platform.kafka;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventMeta;
import ai.cpift.events.TrainingProgressed;

/** What a handler may use besides its input: its source name and a way to report progress. */
public interface StageContext {
    /** {@code <service>/<instance>}: the {@code ce_source} of what this worker emits. */
    String source();

    /** Publishes a progress report now, outside the transaction (a lost one is harmless). */
    void progress(TrainingProgressed p);

    /** Meta for an event caused by {@code cause}. */
    default EventMeta metaFor(CpiftEvent cause) {
        return EventMeta.causedBy(cause, source());
    }
}
