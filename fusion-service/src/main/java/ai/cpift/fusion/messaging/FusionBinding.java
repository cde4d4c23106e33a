package ai.cpift.fusion.messaging;

import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventMeta;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import ai.cpift.events.TrainingProgressed;
import ai.cpift.fusion.app.FuseModels;
import ai.cpift.platform.kafka.StageContext;
import ai.cpift.platform.kafka.StageHandler;
import ai.cpift.service.StageBinding;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** clusters-formed → the fused model of that generation → model-fused (failures become stage-failed in the worker). */
@ApplicationScoped
public class FusionBinding implements StageBinding {
    public static final String SERVICE = "fusion";
    /** A progress report at most this often: a status display needs no more. */
    private static final long PROGRESS_NANOS = 2_000_000_000L;
    private final FuseModels fuse;

    public FusionBinding(FuseModels fuse) {
        this.fuse = fuse;
    }

    @Override
    public String service() {
        return SERVICE;
    }

    @Override
    public List<Topic<?>> inputs() {
        return List.of(Topics.CLUSTERS_FORMED);
    }

    @Override
    public List<Topic<?>> outputs() {
        return List.of(Topics.MODEL_FUSED);
    }

    @Override
    public StageHandler handler() {
        return (in, ctx) -> switch (in) {
            case ClustersFormed c -> List.<CpiftEvent>of(fuse.apply(c, ctx.metaFor(c), progress(c, ctx)));
            default -> throw new IllegalArgumentException("the fusion service consumes " + Topics.CLUSTERS_FORMED.name()
                    + " only, got " + in.type() + " " + in.meta().id() + "; fix: check the topic bindings");
        };
    }

    /** Tensors done of all, as a progress event on the pipeline (steps = tensors), throttled, the last one always sent. */
    private static FusionProgress progress(ClustersFormed c, StageContext ctx) {
        long[] last = {System.nanoTime()};
        String phase = "generation " + c.generation() + " fusion";
        return (done, total, bytesDone, bytesTotal) -> {
            long now = System.nanoTime();
            if (done == total || now - last[0] >= PROGRESS_NANOS) {
                last[0] = now;
                ctx.progress(new TrainingProgressed(EventMeta.causedBy(c, ctx.source()), c.key(), phase, done, total, 0, 0));
            }
        };
    }
}
