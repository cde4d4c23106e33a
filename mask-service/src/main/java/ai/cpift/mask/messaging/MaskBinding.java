package ai.cpift.mask.messaging;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import ai.cpift.mask.app.ComputeMask;
import ai.cpift.platform.kafka.StageHandler;
import ai.cpift.service.StageBinding;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** task-finetuned → the task's core mask → mask-computed (failures become stage-failed in the worker). */
@ApplicationScoped
public class MaskBinding implements StageBinding {
    public static final String SERVICE = "mask";
    private final ComputeMask compute;

    public MaskBinding(ComputeMask compute) {
        this.compute = compute;
    }

    @Override
    public String service() {
        return SERVICE;
    }

    @Override
    public List<Topic<?>> inputs() {
        return List.of(Topics.TASK_FINETUNED);
    }

    @Override
    public List<Topic<?>> outputs() {
        return List.of(Topics.MASK_COMPUTED);
    }

    @Override
    public StageHandler handler() {
        return (in, ctx) -> switch (in) {
            case TaskFineTuned t -> List.<CpiftEvent>of(compute.apply(t, ctx.metaFor(t)));
            default -> throw new IllegalArgumentException("the mask service consumes " + Topics.TASK_FINETUNED.name()
                    + " only, got " + in.type() + " " + in.meta().id() + "; fix: check the topic bindings");
        };
    }
}
