package ai.cpift.cluster.streams;

import ai.cpift.cluster.app.Grouper;
import ai.cpift.cluster.app.GroupingOutcome;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.StageFailed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Applies each input to its pipeline's state and, when every task the pipeline waits for has a mask
 * and that set was not grouped yet, forms the next generation: a {@link ClustersFormed}, or a
 * {@link StageFailed} (subject the pipeline) when the grouping cannot be computed. The state and the
 * output are committed together (exactly-once), so a redelivered input forms nothing twice.
 */
final class GroupingProcessor implements Processor<String, PipelineInput, String, CpiftEvent> {
    private static final Logger LOG = Logger.getLogger(GroupingProcessor.class);
    private final Grouper grouper;
    private final String source;
    private KeyValueStore<String, PipelineState> store;
    private ProcessorContext<String, CpiftEvent> context;

    GroupingProcessor(Grouper grouper, String source) {
        this.grouper = grouper;
        this.source = source;
    }

    @Override
    public void init(ProcessorContext<String, CpiftEvent> context) {
        this.context = context;
        this.store = context.getStateStore(ClusterTopology.STORE);
    }

    @Override
    public void process(Record<String, PipelineInput> r) {
        String pipeline = r.key();
        PipelineState before = store.get(pipeline);
        before = before == null ? PipelineState.empty() : before;
        PipelineState after = before.apply(r.value());
        List<MaskComputed> due = after.due().orElse(null);
        if (due != null) {
            CpiftEvent cause = r.value().event();
            int generation = after.generation() + 1;
            CpiftEvent out;
            try {
                out = formed(cause, generation, due, grouper.group(pipeline, generation, due));
                after = after.formed(due);
                LOG.infof("pipeline %s generation %d: %d tasks in groups %s", pipeline, generation, due.size(),
                        ((ClustersFormed) out).groups());
            } catch (Exception e) {
                out = new StageFailed(EventMeta.causedBy(cause, source), ClusterTopology.STAGE, pipeline, null, cause.type(),
                        "pipeline " + pipeline + " generation " + generation + " (tasks " + due.stream().map(MaskComputed::task).toList() + "): grouping failed: "
                                + reason(e));
                after = after.attemptFailed(due);
                LOG.warnf("%s", ((StageFailed) out).reason());
            }
            // A new record: the input's CloudEvents headers must not travel with the output.
            context.forward(new Record<>(pipeline, out, r.timestamp()));
        }
        if (!after.equals(before)) {
            store.put(pipeline, after);
        }
    }

    private ClustersFormed formed(CpiftEvent cause, int generation, List<MaskComputed> due, GroupingOutcome g) {
        GroupingResult r = g.result();
        List<String> names = due.stream().map(MaskComputed::task).toList();
        if (!r.tasks().equals(names)) {
            throw new IllegalStateException("grouping answered for tasks " + r.tasks() + ", asked for " + names);
        }
        // The same generation of the same pipeline always gets the same id, so a reader can dedupe on it.
        String id = EventIds.derived(ClustersFormed.TYPE, cause.meta().pipeline(), Integer.toString(generation));
        EventMeta meta = new EventMeta(id, cause.meta().pipeline(), cause.meta().id(), source, Instant.now());
        MaskComputed first = due.getFirst();
        List<List<Double>> jaccard = Arrays.stream(r.jaccard()).map(row -> Arrays.stream(row).boxed().toList()).toList();
        return new ClustersFormed(meta, generation, first.settings(), first.base(), due.stream().map(MaskComputed::core).toList(),
                jaccard, r.groups(), r.order(), g.stored());
    }

    /** The message chain, outermost first, each message once. */
    static String reason(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = error; t != null && b.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) < 0) {
                b.append(b.isEmpty() ? "" : "; caused by: ").append(m);
            }
        }
        return b.toString();
    }
}
