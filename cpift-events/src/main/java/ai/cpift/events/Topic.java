package ai.cpift.events;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Objects;

/**
 * A typed topic: its name, the one event type it carries, its key kind, how long it keeps records and
 * how many partitions it is created with. Producers, consumers, Streams topologies, tests and the
 * Kubernetes manifests all take topics from {@link Topics}.
 *
 * @param retentionMs {@code -1} keeps records forever (the event log is the system of record)
 */
public record Topic<V extends CpiftEvent>(String name, Class<V> valueType, String eventType, KeyKind key, long retentionMs,
                                          int partitions) {
    /** What a record's key is. */
    public enum KeyKind { TASK_ID, PIPELINE_ID, TASK_OR_PIPELINE_ID }

    public Topic {
        Objects.requireNonNull(name, "topic name");
        Objects.requireNonNull(valueType, "value type");
        Objects.requireNonNull(eventType, "event type");
        Objects.requireNonNull(key, "key kind");
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    public Serde<V> valueSerde() {
        return new EventSerde<>(valueType);
    }
}
