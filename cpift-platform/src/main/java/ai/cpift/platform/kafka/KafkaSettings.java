package ai.cpift.platform.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the broker, plus any client property to override (security settings on a real cluster,
 * a short {@code max.poll.interval.ms} in a test). Values travel as bytes; the event serdes are
 * applied by the platform code so headers and errors stay under its control.
 */
public record KafkaSettings(String bootstrapServers, Map<String, Object> overrides) {
    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "kafka bootstrap servers");
        overrides = Map.copyOf(overrides);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    public KafkaSettings with(String key, Object value) {
        Map<String, Object> m = new HashMap<>(overrides);
        m.put(key, value);
        return new KafkaSettings(bootstrapServers, m);
    }

    /** An idempotent producer; transactional when {@code transactionalId} is not null. */
    public Map<String, Object> producer(String clientId, String transactionalId) {
        Map<String, Object> p = base(clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        p.putAll(filter("producer."));
        return p;
    }

    /** A consumer reading committed records only; in group {@code groupId} (offsets committed by the caller) or none. */
    public Map<String, Object> consumer(String clientId, String groupId) {
        Map<String, Object> c = base(clientId);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (groupId != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        c.putAll(filter("consumer."));
        return c;
    }

    /** Properties for admin clients and anything else that only needs to connect. */
    public Map<String, Object> common(String clientId) {
        return base(clientId);
    }

    private Map<String, Object> base(String clientId) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrapServers);
        m.put("client.id", clientId);
        overrides.forEach((k, v) -> {
            if (!k.startsWith("producer.") && !k.startsWith("consumer.")) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** Overrides under {@code producer.} or {@code consumer.}, with the prefix removed. */
    private Map<String, Object> filter(String prefix) {
        Map<String, Object> m = new HashMap<>();
        overrides.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        return m;
    }
}
