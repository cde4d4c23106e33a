package ai.cpift.cluster.config;

import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.TopicAdmin;
import ai.cpift.service.Platform;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.io.IOException;

/**
 * Creates the platform's topics before Kafka Streams starts: Quarkus starts the streams from its own
 * startup observer, after waiting for the source topics, and the sinks must exist too. This observer's
 * priority puts it first.
 */
@ApplicationScoped
public class TopicsAtStartup {
    void ensure(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent e, Platform platform) throws IOException {
        TopicAdmin.ensure(platform.kafka(), Topics.ALL);
    }
}
