package ai.cpift.events;

/**
 * Where everything lives in the one bucket. Keys derive from pipeline, task and generation names
 * (checked by {@link Names}), never from user-typed paths.
 *
 * <pre>
 * pipelines/&lt;p&gt;/base/                                the pipeline's base model θ0
 * pipelines/&lt;p&gt;/tasks/&lt;t&gt;/data/train.jsonl | eval.jsonl
 * pipelines/&lt;p&gt;/tasks/&lt;t&gt;/probe/                     θi, with training.json
 * pipelines/&lt;p&gt;/tasks/&lt;t&gt;/core.mask
 * pipelines/&lt;p&gt;/generations/&lt;g&gt;/groups.json
 * pipelines/&lt;p&gt;/generations/&lt;g&gt;/fused/
 * pipelines/&lt;p&gt;/generations/&lt;g&gt;/stage-&lt;k&gt;/       the last stage's is the consolidated model
 * pipelines/&lt;p&gt;/generations/&lt;g&gt;/report.json
 * </pre>
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    public static String pipeline(String p) {
        return "pipelines/" + Names.requirePipeline(p) + "/";
    }

    public static String base(String p) {
        return pipeline(p) + "base/";
    }

    public static String task(String p, String t) {
        return pipeline(p) + "tasks/" + Names.requireTask(t) + "/";
    }

    public static String trainData(String p, String t) {
        return task(p, t) + "data/train.jsonl";
    }

    public static String evalData(String p, String t) {
        return task(p, t) + "data/eval.jsonl";
    }

    public static String probe(String p, String t) {
        return task(p, t) + "probe/";
    }

    public static String mask(String p, String t) {
        return task(p, t) + "core.mask";
    }

    public static String generation(String p, int g) {
        if (g < 1) {
            throw new IllegalArgumentException("generation " + g + " must be at least 1");
        }
        return pipeline(p) + "generations/" + g + "/";
    }

    public static String grouping(String p, int g) {
        return generation(p, g) + "groups.json";
    }

    public static String fused(String p, int g) {
        return generation(p, g) + "fused/";
    }

    public static String stage(String p, int g, int k) {
        return generation(p, g) + "stage-" + k + "/";
    }

    public static String report(String p, int g) {
        return generation(p, g) + "report.json";
    }
}
