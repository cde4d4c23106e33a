package ai.cpift.platform.kafka;

import ai.cpift.events.CloudEvents;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventCodec;
import ai.cpift.events.EventFormatException;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Between events and Kafka records: the topic from the registry, the key, the JSON value, CloudEvents headers. */
public final class Records {
    private Records() {
    }

    public static ProducerRecord<String, byte[]> of(CpiftEvent e) {
        Topic<?> t = Topics.of(e.getClass());
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(t.name(), e.key(), EventCodec.encode(e));
        CloudEvents.write(e, r.headers());
        return r;
    }

    /** Decodes a record of a registry topic; the {@code ce_type} header must match the topic's type. */
    public static CpiftEvent decode(ConsumerRecord<String, byte[]> r) {
        Topic<?> t = Topics.byName(r.topic())
                .orElseThrow(() -> new EventFormatException("topic " + r.topic() + " is not in the registry", null));
        String ce = CloudEvents.read(r.headers(), CloudEvents.TYPE);
        if (ce != null && !ce.equals(t.eventType())) {
            throw new EventFormatException("record " + r.topic() + "-" + r.partition() + "@" + r.offset() + " says ce_type " + ce
                    + " but the topic carries " + t.eventType(), null);
        }
        if (r.value() == null) {
            throw new EventFormatException("record " + r.topic() + "-" + r.partition() + "@" + r.offset() + " has no value", null);
        }
        try {
            return EventCodec.decode(t.valueType(), r.value());
        } catch (EventFormatException e) {
            throw new EventFormatException("record " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage(), e);
        }
    }
}
