package ai.cpift.cluster.streams;

import ai.cpift.cluster.app.Grouper;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.StageFailed;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 3 as a Kafka Streams topology (ARCHITECTURE.md): registrations, masks and task failures, keyed
 * by task id, are merged and re-keyed by pipeline through one repartition topic, so one processor
 * owns a pipeline and sees its events in order; it keeps the pipeline's state in a persistent store and
 * emits a {@link ClustersFormed} (keyed by pipeline) each time the set of masked tasks is complete and
 * new, or a {@link StageFailed} when it cannot be grouped.
 */
public final class ClusterTopology {
    /** {@code StageFailed.stage} of this service's failures. */
    public static final String STAGE = "cluster";
    public static final String STORE = "cluster-pipelines";
    public static final String REPARTITION = "cluster-by-pipeline";
    public static final String PROCESSOR = "cluster-group";
    static final String SOURCE_REGISTERED = "cluster-source-registered";
    static final String SOURCE_MASKS = "cluster-source-masks";
    static final String SOURCE_FAILURES = "cluster-source-failures";
    static final String SINK_FORMED = "cluster-sink-formed";
    static final String SINK_FAILED = "cluster-sink-failed";

    private ClusterTopology() {
    }

    /**
     * @param grouper computes and stores a generation's grouping
     * @param source  the {@code ce_source} of the events emitted, {@code cluster/<instance>}
     */
    public static Topology build(StreamsBuilder b, Grouper grouper, String source) {
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                new JsonSerde<>(PipelineState.class)));
        KStream<String, PipelineInput> registered = b.stream(Topics.TASK_REGISTERED.name(), consumed(Topics.TASK_REGISTERED, SOURCE_REGISTERED))
                .mapValues(PipelineInput::of, Named.as(SOURCE_REGISTERED + "-input"));
        KStream<String, PipelineInput> masks = b.stream(Topics.MASK_COMPUTED.name(), consumed(Topics.MASK_COMPUTED, SOURCE_MASKS))
                .mapValues(PipelineInput::of, Named.as(SOURCE_MASKS + "-input"));
        // Only a task's failure changes what a pipeline waits for; this stage's own (task null) come back here too.
        KStream<String, PipelineInput> failures = b.stream(Topics.STAGE_FAILED.name(), consumed(Topics.STAGE_FAILED, SOURCE_FAILURES))
                .filter((k, v) -> v.task() != null, Named.as(SOURCE_FAILURES + "-of-tasks"))
                .mapValues(PipelineInput::of, Named.as(SOURCE_FAILURES + "-input"));
        registered.merge(masks, Named.as("cluster-merge-masks")).merge(failures, Named.as("cluster-merge-failures"))
                .selectKey((k, v) -> v.pipeline(), Named.as("cluster-key-by-pipeline"))
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(PipelineInput.class)).withName(REPARTITION))
                .process(() -> new GroupingProcessor(grouper, source), Named.as(PROCESSOR), STORE)
                .split(Named.as("cluster-out-"))
                .branch((k, v) -> v instanceof ClustersFormed, Branched.withConsumer(s -> s
                        .mapValues(v -> (ClustersFormed) v, Named.as(SINK_FORMED + "-value"))
                        .to(Topics.CLUSTERS_FORMED.name(), produced(Topics.CLUSTERS_FORMED, SINK_FORMED)), "formed"))
                .branch((k, v) -> v instanceof StageFailed, Branched.withConsumer(s -> s
                        .mapValues(v -> (StageFailed) v, Named.as(SINK_FAILED + "-value"))
                        .to(Topics.STAGE_FAILED.name(), produced(Topics.STAGE_FAILED, SINK_FAILED)), "failed"))
                .noDefaultBranch();
        return b.build();
    }

    private static <V extends CpiftEvent> Consumed<String, V> consumed(Topic<V> t, String name) {
        return Consumed.with(t.keySerde(), t.valueSerde()).withName(name);
    }

    private static <V extends CpiftEvent> Produced<String, V> produced(Topic<V> t, String name) {
        return Produced.with(t.keySerde(), t.valueSerde()).withName(name);
    }
}
