package ai.cpift.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka serde of one event type: JSON value plus CloudEvents headers on write; on read, the
 * {@code ce_type} header (when present) must name this type, so a record of another type on the wrong
 * topic is an error naming both instead of a confusing field mismatch.
 */
public final class EventSerde<V extends CpiftEvent> implements Serde<V>, Serializer<V>, Deserializer<V> {
    private final Class<V> type;
    private final String typeName;

    public EventSerde(Class<V> type) {
        this.type = type;
        this.typeName = EventCodec.typeOf(type);
    }

    @Override
    public byte[] serialize(String topic, V data) {
        return data == null ? null : EventCodec.encode(data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, V data) {
        if (data != null && headers != null) {
            CloudEvents.write(data, headers);
        }
        return serialize(topic, data);
    }

    @Override
    public V deserialize(String topic, byte[] data) {
        return data == null ? null : EventCodec.decode(type, data);
    }

    @Override
    public V deserialize(String topic, Headers headers, byte[] data) {
        String ce = CloudEvents.read(headers, CloudEvents.TYPE);
        if (ce != null && !ce.equals(typeName)) {
            throw new EventFormatException("topic " + topic + " carries " + typeName + " but a record says ce_type " + ce, null);
        }
        return deserialize(topic, data);
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the type is fixed at construction
    }

    @Override
    public Serializer<V> serializer() {
        return this;
    }

    @Override
    public Deserializer<V> deserializer() {
        return this;
    }
}
