package ai.cpift.platform.kafka;

import ai.cpift.events.CpiftEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes events outside a consume-transform-produce loop (cpift submit, progress reports): an
 * idempotent producer, each send waited for so the caller knows the event is in the log.
 */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String bootstrap;

    public EventPublisher(KafkaSettings kafka, String clientId) {
        this.producer = new KafkaProducer<>(kafka.producer(clientId, null));
        this.bootstrap = kafka.bootstrapServers();
    }

    public RecordMetadata publish(CpiftEvent e) throws IOException {
        try {
            return producer.send(Records.of(e)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException x) {
            throw new IOException("Kafka at " + bootstrap + ": could not publish " + e.type() + " " + e.meta().id() + ": "
                    + (x.getCause() == null ? x : x.getCause()).getMessage() + "; fix: check the broker runs (./cpift stack status)", x);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing " + e.type(), x);
        }
    }

    /** Sends without waiting (progress reports: losing one is harmless). */
    public void publishLater(CpiftEvent e) {
        producer.send(Records.of(e));
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
