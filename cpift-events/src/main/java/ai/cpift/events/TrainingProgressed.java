package ai.cpift.events;

import java.util.Objects;

/**
 * Progress of a running fine-tune, for {@code cpift status}. Not part of the lineage: its topic keeps
 * a week.
 *
 * @param subject         the task id (probe) or pipeline id (consolidation)
 * @param phase           e.g. {@code probe add} or {@code generation 2 stage 1/3}
 * @param step            optimizer steps done
 * @param steps           optimizer steps in all
 * @param loss            mean loss over the last logged steps
 * @param tokensPerSecond training speed over the last logged steps
 */
public record TrainingProgressed(EventMeta meta, String subject, String phase, int step, int steps, double loss,
                                 double tokensPerSecond) implements CpiftEvent {
    public static final String TYPE = "ai.cpift.training.progressed.v1";

    public TrainingProgressed {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(phase, "phase");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return subject;
    }
}
