package ai.cpift.events;

import java.util.List;
import java.util.Optional;

/** The one registry of topics (ARCHITECTURE.md, "Events"). */
public final class Topics {
    /** Forever: the event log is the system of record, replayable by auditors and new consumers. */
    private static final long FOREVER = -1;
    private static final long WEEK_MS = 7L * 24 * 3600 * 1000;
    /** Enough for a trainer per partition; more can be added later without changing keys' meaning for new pipelines. */
    private static final int PARTITIONS = 6;

    public static final Topic<TaskRegistered> TASK_REGISTERED = new Topic<>("cpift.task-registered", TaskRegistered.class,
            TaskRegistered.TYPE, Topic.KeyKind.TASK_ID, FOREVER, PARTITIONS);
    public static final Topic<TaskFineTuned> TASK_FINETUNED = new Topic<>("cpift.task-finetuned", TaskFineTuned.class,
            TaskFineTuned.TYPE, Topic.KeyKind.TASK_ID, FOREVER, PARTITIONS);
    public static final Topic<MaskComputed> MASK_COMPUTED = new Topic<>("cpift.mask-computed", MaskComputed.class,
            MaskComputed.TYPE, Topic.KeyKind.TASK_ID, FOREVER, PARTITIONS);
    public static final Topic<ClustersFormed> CLUSTERS_FORMED = new Topic<>("cpift.clusters-formed", ClustersFormed.class,
            ClustersFormed.TYPE, Topic.KeyKind.PIPELINE_ID, FOREVER, PARTITIONS);
    public static final Topic<ModelFused> MODEL_FUSED = new Topic<>("cpift.model-fused", ModelFused.class,
            ModelFused.TYPE, Topic.KeyKind.PIPELINE_ID, FOREVER, PARTITIONS);
    public static final Topic<ModelConsolidated> MODEL_CONSOLIDATED = new Topic<>("cpift.model-consolidated",
            ModelConsolidated.class, ModelConsolidated.TYPE, Topic.KeyKind.PIPELINE_ID, FOREVER, PARTITIONS);
    public static final Topic<StageFailed> STAGE_FAILED = new Topic<>("cpift.stage-failed", StageFailed.class,
            StageFailed.TYPE, Topic.KeyKind.TASK_OR_PIPELINE_ID, FOREVER, PARTITIONS);
    /** Progress of running fine-tunes: for status displays only, so it keeps a week. */
    public static final Topic<TrainingProgressed> TRAINING_PROGRESS = new Topic<>("cpift.training-progress",
            TrainingProgressed.class, TrainingProgressed.TYPE, Topic.KeyKind.TASK_OR_PIPELINE_ID, WEEK_MS, PARTITIONS);

    /** Every topic, in the order of the method's stages. */
    public static final List<Topic<?>> ALL = List.of(TASK_REGISTERED, TASK_FINETUNED, MASK_COMPUTED, CLUSTERS_FORMED, MODEL_FUSED,
            MODEL_CONSOLIDATED, STAGE_FAILED, TRAINING_PROGRESS);

    /** The topics of the lineage (everything but progress). */
    public static final List<Topic<?>> LINEAGE = ALL.stream().filter(t -> t.retentionMs() == FOREVER).toList();

    private Topics() {
    }

    public static Optional<Topic<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The topic that carries events of {@code type}. */
    public static Topic<?> of(Class<? extends CpiftEvent> type) {
        return ALL.stream().filter(t -> t.valueType() == type).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic carries " + type.getSimpleName()));
    }
}
