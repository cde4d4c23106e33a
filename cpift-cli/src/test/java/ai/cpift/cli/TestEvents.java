package ai.cpift.cli;

import ai.cpift.events.Artifact;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.Names;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.StageOutcome;
import ai.cpift.events.TaskCore;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.events.Training;
import ai.cpift.events.TrainingProgressed;
import ai.cpift.platform.kafka.LoggedEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-made event chains of one pipeline for the status and audit tests: the downstream of a task built
 * from its registration as the services would (same settings, base and data, each caused by the one before).
 * Objects are described by caller-given artifacts, so the broker tests can upload the bytes they name.
 */
public final class TestEvents {
    public static final PipelineSettings SETTINGS = new PipelineSettings(new Training(10, 1e-3, 1, 4), 1, 0.1, "random", 0,
            new Training(5, 1e-3, 0, 4), 8, "group", 64);
    private static long clock = 1_700_000_000_000L;

    private TestEvents() {
    }

    public static String sha(int seed) {
        return "%064x".formatted(seed * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
    }

    public static Artifact artifact(String key, int seed) {
        return new Artifact(key, sha(seed), 100 + seed);
    }

    public static ModelRef model(String prefix, int seed) {
        return new ModelRef(prefix, List.of(artifact(prefix + "config.json", seed), artifact(prefix + "model.safetensors", seed + 1)));
    }

    public static EventMeta meta(String pipeline, CpiftEvent cause, String id) {
        return new EventMeta(id, pipeline, cause == null ? null : cause.meta().id(), "test", Instant.ofEpochMilli(clock));
    }

    public static TaskRegistered registered(String p, String task, ModelRef base, Artifact train, Artifact eval) {
        return new TaskRegistered(meta(p, null, "reg-" + task), task, SETTINGS, base, train, eval);
    }

    public static TrainingProgressed progress(TaskRegistered r, int step, int steps) {
        return new TrainingProgressed(meta(r.meta().pipeline(), r, "prog-" + r.task() + "-" + step), r.key(), "probe " + r.task(), step, steps,
                1.5, 2000);
    }

    public static TaskFineTuned fineTuned(TaskRegistered r, ModelRef probe, Map<String, Double> scores) {
        return new TaskFineTuned(meta(r.meta().pipeline(), r, "ft-" + r.task()), r.task(), r.settings(), r.base(), r.train(), r.eval(), probe,
                10, 640, 1.5, scores);
    }

    public static MaskComputed masked(TaskFineTuned f, Artifact mask, long core) {
        return new MaskComputed(meta(f.meta().pipeline(), f, "mask-" + f.task()), f.task(), f.settings(), f.base(), f.train(), f.eval(),
                f.probe(), mask, core, 1e-3);
    }

    public static ClustersFormed clusters(MaskComputed last, int g, List<MaskComputed> masks, Artifact grouping) {
        List<TaskCore> cores = masks.stream().map(MaskComputed::core).toList();
        List<String> names = cores.stream().map(TaskCore::task).toList();
        List<List<Double>> jaccard = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            List<Double> row = new ArrayList<>();
            for (int j = 0; j < names.size(); j++) {
                row.add(i == j ? 1.0 : 0.0);
            }
            jaccard.add(row);
        }
        return new ClustersFormed(meta(last.meta().pipeline(), last, "clu-" + g), g, last.settings(), last.base(), cores, jaccard,
                names.stream().map(List::of).toList(), names, grouping);
    }

    public static ModelFused fused(ClustersFormed c, ModelRef fused) {
        return new ModelFused(meta(c.meta().pipeline(), c, "fus-" + c.generation()), c.generation(), c.settings(), c.base(), c.tasks(),
                c.groups(), c.order(), fused, 42);
    }

    public static TrainingProgressed consolidating(ModelFused f, int stage, int stages, int step, int steps) {
        return new TrainingProgressed(meta(f.meta().pipeline(), f, "cprog-" + stage + "-" + step), f.meta().pipeline(),
                "generation " + f.generation() + " stage " + stage + "/" + stages, step, steps, 0.5, 3000);
    }

    public static ModelConsolidated consolidated(ModelFused f, List<ModelRef> stages, Artifact report,
                                                 Map<String, Map<String, Double>> scores) {
        List<StageOutcome> outcomes = new ArrayList<>();
        for (int k = 0; k < stages.size(); k++) {
            outcomes.add(new StageOutcome(k + 1, f.groups().get(k), f.groups().get(k), 0, 0, stages.get(k)));
        }
        return new ModelConsolidated(meta(f.meta().pipeline(), f, "con-" + f.generation()), f.generation(), f.settings(), f.fused(),
                stages.getLast(), outcomes, scores, report, 10, 640);
    }

    public static StageFailed failed(CpiftEvent cause, String stage, String reason) {
        String task = cause instanceof TaskRegistered r ? r.task() : cause instanceof TaskFineTuned t ? t.task()
                : cause instanceof MaskComputed m ? m.task() : null;
        return new StageFailed(meta(cause.meta().pipeline(), cause, "fail-" + cause.meta().id()), stage, cause.key(), task, cause.type(), reason);
    }

    /** The events as a reader would return them, each on its topic, one offset after another, a millisecond apart. */
    public static List<LoggedEvent> logged(CpiftEvent... events) {
        List<LoggedEvent> out = new ArrayList<>();
        for (CpiftEvent e : events) {
            out.add(new LoggedEvent(Topics.of(e.getClass()).name(), 0, out.size(), clock++, e));
        }
        return out;
    }

    /** A small pipeline "p" with tasks a and b through one consolidated generation: every key from ObjectKeys. */
    public static List<CpiftEvent> fullChain(String p) {
        ModelRef base = model(ObjectKeys.base(p), 1);
        TaskRegistered ra = registered(p, "a", base, artifact(ObjectKeys.trainData(p, "a"), 10), artifact(ObjectKeys.evalData(p, "a"), 11));
        TaskRegistered rb = registered(p, "b", base, artifact(ObjectKeys.trainData(p, "b"), 20), null);
        TaskFineTuned fa = fineTuned(ra, model(ObjectKeys.probe(p, "a"), 30), Map.of("base", 0.0, "probe", 90.0));
        TaskFineTuned fb = fineTuned(rb, model(ObjectKeys.probe(p, "b"), 40), Map.of());
        MaskComputed ma = masked(fa, artifact(ObjectKeys.mask(p, "a"), 50), 12);
        MaskComputed mb = masked(fb, artifact(ObjectKeys.mask(p, "b"), 60), 13);
        ClustersFormed c = clusters(mb, 1, List.of(ma, mb), artifact(ObjectKeys.grouping(p, 1), 70));
        ModelFused f = fused(c, model(ObjectKeys.fused(p, 1), 80));
        ModelConsolidated done = consolidated(f, List.of(model(ObjectKeys.stage(p, 1, 1), 90), model(ObjectKeys.stage(p, 1, 2), 100)),
                artifact(ObjectKeys.report(p, 1), 110), Map.of("a", Map.of("base", 0.0, "probe", 90.0, "fused", 70.0, "consolidated", 85.0)));
        return List.of(ra, rb, fa, fb, ma, mb, c, f, done);
    }

    public static String taskId(String p, String t) {
        return Names.taskId(p, t);
    }
}
