package ai.cpift.trainer.app;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.TrainingProgressed;
import ai.cpift.model.train.TrainListener;
import ai.cpift.model.train.TrainProgress;
import ai.cpift.platform.kafka.StageContext;
import org.jboss.logging.Logger;

/**
 * Tells {@code cpift status} how a fine-tune goes: each of the trainer's log reports becomes a
 * training-progressed event (outside the answer's transaction: a lost one is harmless).
 */
final class ProgressRelay implements TrainListener {
    private static final Logger LOG = Logger.getLogger(ProgressRelay.class);

    private final StageContext context;
    private final CpiftEvent cause;
    private final String subject;
    private final String phase;

    /**
     * @param subject the task id (probe) or pipeline id (consolidation)
     * @param phase   e.g. {@code probe add} or {@code generation 1 stage 2/3}
     */
    ProgressRelay(StageContext context, CpiftEvent cause, String subject, String phase) {
        this.context = context;
        this.cause = cause;
        this.subject = subject;
        this.phase = phase;
    }

    @Override
    public void progress(TrainProgress p) {
        context.progress(new TrainingProgressed(context.metaFor(cause), subject, phase, p.step(), p.steps(), p.loss(),
                p.tokensPerSecond()));
    }

    @Override
    public void message(String line) {
        LOG.infof("%s %s: %s", subject, phase, line);
    }
}
