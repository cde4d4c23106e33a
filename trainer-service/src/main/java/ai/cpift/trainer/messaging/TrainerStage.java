package ai.cpift.trainer.messaging;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.ModelFused;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.StageHandler;
import ai.cpift.service.StageBinding;
import ai.cpift.trainer.app.Consolidation;
import ai.cpift.trainer.app.ProbeFineTune;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The trainer's stage: task-registered → probe fine-tune → task-finetuned, model-fused →
 * consolidation → model-consolidated. One worker, one handler thread: every training of this instance
 * runs on it, one at a time, as libtorch's single gradient collector per process requires.
 */
@ApplicationScoped
public class TrainerStage implements StageBinding {
    private final ProbeFineTune probe;
    private final Consolidation consolidation;

    public TrainerStage(ProbeFineTune probe, Consolidation consolidation) {
        this.probe = probe;
        this.consolidation = consolidation;
    }

    @Override
    public String service() {
        return "trainer";
    }

    @Override
    public List<Topic<?>> inputs() {
        return List.of(Topics.TASK_REGISTERED, Topics.MODEL_FUSED);
    }

    @Override
    public List<Topic<?>> outputs() {
        return List.of(Topics.TASK_FINETUNED, Topics.MODEL_CONSOLIDATED);
    }

    @Override
    public StageHandler handler() {
        return (in, context) -> switch (in) {
            case TaskRegistered t -> List.<CpiftEvent>of(probe.run(t, context));
            case ModelFused f -> List.<CpiftEvent>of(consolidation.run(f, context));
            default -> throw new IllegalArgumentException(in.type() + " " + in.meta().id() + " arrived at the trainer, which consumes "
                    + inputs().stream().map(Topic::name).toList() + " only; fix: publish it to its own topic (Topics.of)");
        };
    }
}
