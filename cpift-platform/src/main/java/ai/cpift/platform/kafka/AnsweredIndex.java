package ai.cpift.platform.kafka;

import ai.cpift.events.Topic;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of the inputs a service has already answered, read from its own output topics: an event
 * the service emitted names its input as cause. Outputs are committed in the same transaction as the
 * input's offset, so this record and the offsets never disagree; it catches what offsets cannot, the
 * same event put on an input topic twice or a replay of old offsets.
 */
final class AnsweredIndex implements AutoCloseable {
    private final EventReader reader;
    private final String sourcePrefix;
    private final Set<String> causes = new HashSet<>();

    AnsweredIndex(KafkaSettings kafka, String service, String clientId, List<Topic<?>> outputs) {
        this.reader = new EventReader(kafka, clientId, outputs);
        this.sourcePrefix = service + "/";
    }

    /** Whether an event of this service names {@code inputId} as its cause (reads what is new first). */
    boolean answered(String inputId) {
        for (LoggedEvent e : reader.readToEnd()) {
            if (e.event().meta().source().startsWith(sourcePrefix) && e.event().meta().cause() != null) {
                causes.add(e.event().meta().cause());
            }
        }
        return causes.contains(inputId);
    }

    void add(String inputId) {
        causes.add(inputId);
    }

    @Override
    public void close() {
        reader.close();
    }
}
