package ai.cpift.cluster.config;

import ai.cpift.cluster.app.Grouper;
import ai.cpift.cluster.app.StoredGrouping;
import ai.cpift.cluster.streams.ClusterTopology;
import ai.cpift.service.Platform;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/** The topology Quarkus runs, with the bucket-backed grouping, and what a stream thread does when it dies. */
@ApplicationScoped
public class TopologyProducer {
    private final Platform platform;

    public TopologyProducer(Platform platform) {
        this.platform = platform;
    }

    @Produces
    public Topology topology() {
        // The bucket is connected on the first grouping, so the service starts (and reports not ready) while S3 is down.
        Grouper grouper = (pipeline, generation, masks) -> new StoredGrouping(platform.store(),
                (p, g) -> platform.workDir("pipelines", p, "generations", Integer.toString(g)), platform.config().threads())
                .group(pipeline, generation, masks);
        return ClusterTopology.build(new StreamsBuilder(), grouper, ClusterTopology.STAGE + "/" + platform.config().instance());
    }

    /**
     * Grouping failures become StageFailed events inside the processor; anything else that kills a stream
     * thread (a broker hiccup the client gave up on) gets a new thread that resumes from the last commit.
     */
    @Produces
    public StreamsUncaughtExceptionHandler uncaughtExceptionHandler() {
        return e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
