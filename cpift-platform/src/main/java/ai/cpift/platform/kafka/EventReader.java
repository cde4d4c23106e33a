package ai.cpift.platform.kafka;

import ai.cpift.events.EventFormatException;
import ai.cpift.events.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads topics of the log from their beginning, outside any consumer group (committed records only):
 * for status, audit and a service's record of the events it has answered. {@link #readToEnd()} returns
 * everything up to the current end; {@link #poll(Duration)} what arrived since.
 */
public final class EventReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();

    public EventReader(KafkaSettings kafka, String clientId, List<Topic<?>> topics) {
        consumer = new KafkaConsumer<>(kafka.consumer(clientId, null));
        for (Topic<?> t : topics) {
            List<PartitionInfo> ps = consumer.partitionsFor(t.name(), Duration.ofSeconds(30));
            for (PartitionInfo p : ps == null ? List.<PartitionInfo>of() : ps) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every event from the current position to the end of each partition as it is now. */
    public List<LoggedEvent> readToEnd() {
        List<LoggedEvent> out = new ArrayList<>();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        while (behind(end)) {
            add(consumer.poll(Duration.ofMillis(200)), out);
        }
        return out;
    }

    /** What arrives within {@code timeout}. */
    public List<LoggedEvent> poll(Duration timeout) {
        List<LoggedEvent> out = new ArrayList<>();
        add(consumer.poll(timeout), out);
        return out;
    }

    private boolean behind(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, Duration.ofSeconds(30)) < end.getOrDefault(tp, 0L)) {
                return true;
            }
        }
        return false;
    }

    private static void add(Iterable<ConsumerRecord<String, byte[]>> records, List<LoggedEvent> out) {
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                out.add(new LoggedEvent(r.topic(), r.partition(), r.offset(), r.timestamp(), Records.decode(r)));
            } catch (EventFormatException e) {
                LOG.warn("skipping a record that is not a valid event: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
