package ai.cpift.events;

import java.util.Objects;

/**
 * Stage 2 done: the core region of one task, the top p % of |θi − θ0|, stored as a mask file whose
 * header names both checkpoints' SHA-256.
 *
 * @param mask         the mask file (CPIFTMSK)
 * @param coreElements elements in the core, ⌊p·D/100⌋
 * @param threshold    the smallest |Δ| in the core
 */
public record MaskComputed(EventMeta meta, String task, PipelineSettings settings, ModelRef base, Artifact train, Artifact eval,
                           ModelRef probe, Artifact mask, long coreElements, double threshold) implements CpiftEvent {
    public static final String TYPE = "ai.cpift.mask.computed.v1";

    public MaskComputed {
        Objects.requireNonNull(meta, "meta");
        Names.requireTask(task);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(mask, "mask");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return Names.taskId(meta.pipeline(), task);
    }

    /** This task as the later stages carry it. */
    public TaskCore core() {
        return new TaskCore(task, probe, mask, coreElements, train, eval, meta.id());
    }
}
