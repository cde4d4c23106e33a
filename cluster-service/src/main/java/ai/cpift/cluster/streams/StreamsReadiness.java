package ai.cpift.cluster.streams;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Streams app is RUNNING: Quarkus' own state check is a liveness check (it also
 * counts a rebalance as alive), and its readiness check only looks at the topics.
 */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {
    public static final String NAME = "cpift-cluster-streams";
    private final KafkaStreams streams;

    public StreamsReadiness(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        return HealthCheckResponse.named(NAME).status(state == KafkaStreams.State.RUNNING).withData("state", state.name())
                .withData("threads", streams.metadataForLocalThreads().size()).build();
    }
}
