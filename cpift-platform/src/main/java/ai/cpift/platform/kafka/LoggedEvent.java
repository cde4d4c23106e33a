package ai.cpift.platform.kafka;

import ai.cpift.events.CpiftEvent;

/** An event as read from the log: where it sits and when the broker appended it. */
public record LoggedEvent(String topic, int partition, long offset, long timestamp, CpiftEvent event) {
}
