package ai.cpift.platform.kafka;

import ai.cpift.events.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the registry's topics that are missing, with their partitions and retention. */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    public static void ensure(KafkaSettings kafka, List<Topic<?>> topics) throws IOException {
        try (Admin admin = Admin.create(kafka.common("cpift-topic-admin"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replicas = (short) Math.min(3, Math.max(1, brokers));
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?> t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), t.partitions(), replicas)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(t.retentionMs()))));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Kafka at " + kafka.bootstrapServers() + ": cannot create the platform's topics: " + e.getMessage()
                    + "; fix: check the broker runs (./cpift stack status) and the address is right", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topics", e);
        }
    }
}
