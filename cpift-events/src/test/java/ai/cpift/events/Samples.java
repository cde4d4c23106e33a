package ai.cpift.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Events built in Java (not read from a fixture), one of each type, over a second pipeline. */
final class Samples {
    static final String P = "ner-2";
    private static final Instant T = Instant.parse("2027-01-15T09:30:12.345678901Z");

    private Samples() {
    }

    static String sha(int seed) {
        return "%064x".formatted(seed * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
    }

    static Artifact artifact(String key, long bytes) {
        return new Artifact(key, sha(key.hashCode()), bytes);
    }

    static ModelRef model(String prefix) {
        return new ModelRef(prefix, List.of(artifact(prefix + "config.json", 700), artifact(prefix + "model.safetensors.index.json", 24_000),
                artifact(prefix + "model-00001-of-00002.safetensors", 4_000_000_000L),
                artifact(prefix + "model-00002-of-00002.safetensors", 1_200_000_000L), artifact(prefix + "tokenizer.json", 9_000_000)));
    }

    static EventMeta meta(String cause) {
        return new EventMeta(EventIds.derived("sample", String.valueOf(cause)), P, cause, "cpift-test", T);
    }

    static PipelineSettings settings() {
        return new PipelineSettings(new Training(50, 3e-4, 5, 4), 0.5, 0.25, "random", -7, new Training(30, 1e-4, 0, 2), 16, "mixed", 512);
    }

    static TaskCore core(String task, boolean withEval) {
        return new TaskCore(task, model(ObjectKeys.probe(P, task)), artifact(ObjectKeys.mask(P, task), 1_000_000), 123_456,
                artifact(ObjectKeys.trainData(P, task), 5_000), withEval ? artifact(ObjectKeys.evalData(P, task), 700) : null,
                EventIds.derived("mask", task));
    }

    static TaskRegistered registered() {
        return new TaskRegistered(meta(null), "person", settings(), model(ObjectKeys.base(P)), artifact(ObjectKeys.trainData(P, "person"), 5_000),
                null);
    }

    static TaskFineTuned fineTuned() {
        return new TaskFineTuned(meta("r"), "person", settings(), model(ObjectKeys.base(P)), artifact(ObjectKeys.trainData(P, "person"), 5_000),
                artifact(ObjectKeys.evalData(P, "person"), 700), model(ObjectKeys.probe(P, "person")), 50, 102_400, 12.75,
                Map.of("base", 0.0, "probe", 100.0));
    }

    static MaskComputed maskComputed() {
        return new MaskComputed(meta("f"), "person", settings(), model(ObjectKeys.base(P)), artifact(ObjectKeys.trainData(P, "person"), 5_000),
                null, model(ObjectKeys.probe(P, "person")), artifact(ObjectKeys.mask(P, "person"), 1_000_000), 123_456, 2.5e-5);
    }

    static ClustersFormed clustersFormed() {
        return new ClustersFormed(meta("m"), 2, settings(), model(ObjectKeys.base(P)), List.of(core("person", true), core("place", false)),
                List.of(List.of(1.0, 0.0), List.of(0.0, 1.0)), List.of(List.of("place"), List.of("person")), List.of("place", "person"),
                artifact(ObjectKeys.grouping(P, 2), 200));
    }

    static ModelFused modelFused() {
        return new ModelFused(meta("c"), 2, settings(), model(ObjectKeys.base(P)), List.of(core("person", true), core("place", false)),
                List.of(List.of("place"), List.of("person")), List.of("place", "person"), model(ObjectKeys.fused(P, 2)), 246_912);
    }

    static ModelConsolidated modelConsolidated() {
        return new ModelConsolidated(meta("u"), 2, settings(), model(ObjectKeys.fused(P, 2)), model(ObjectKeys.stage(P, 2, 2)),
                List.of(new StageOutcome(1, List.of("place"), List.of("place", "person"), 0, 0, model(ObjectKeys.stage(P, 2, 1))),
                        new StageOutcome(2, List.of("person"), List.of("place", "person"), 123_456, 0, model(ObjectKeys.stage(P, 2, 2)))),
                Map.of("person", Map.of("base", 0.0, "probe", 100.0, "fused", 50.0, "consolidated", 90.0)),
                artifact(ObjectKeys.report(P, 2), 3_000), 60, 40_000);
    }

    static StageFailed stageFailed() {
        return new StageFailed(meta("u"), "fusion", P, null, ModelFused.TYPE, "shapes differ; fix: use probes of the same base");
    }

    static TrainingProgressed trainingProgressed() {
        return new TrainingProgressed(meta("r"), Names.taskId(P, "person"), "probe person", 10, 50, 1.25, 800.5);
    }

    /** One of each type, in the order of {@link Topics#ALL}. */
    static List<CpiftEvent> all() {
        return List.of(registered(), fineTuned(), maskComputed(), clustersFormed(), modelFused(), modelConsolidated(), stageFailed(),
                trainingProgressed());
    }
}
