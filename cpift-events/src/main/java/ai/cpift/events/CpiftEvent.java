package ai.cpift.events;

/**
 * Every event of the platform: a small past-tense record with its {@link EventMeta}. The type string
 * (CloudEvents {@code ce_type}) is a constant of each record, versioned, never a class name; the Kafka
 * key is the task id or the pipeline id, as ARCHITECTURE.md's topic table says.
 */
public sealed interface CpiftEvent permits TaskRegistered, TaskFineTuned, MaskComputed, ClustersFormed, ModelFused,
        ModelConsolidated, StageFailed, TrainingProgressed {

    EventMeta meta();

    /** The versioned CloudEvents type, e.g. {@code ai.cpift.task.finetuned.v1}. */
    String type();

    /** The Kafka record key and CloudEvents subject: a task id or a pipeline id. */
    String key();
}
