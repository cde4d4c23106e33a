package ai.cpift.model.pipeline;

import ai.cpift.core.group.StageOrders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole CPI-FT experiment as {@code cpift run --config PIPELINE.yaml} reads it: the data, the base
 * model, one or more CPI-FT settings, the baselines and the evaluation. {@code examples/benchmark.yaml}
 * shows every key with its reason.
 *
 * @param name      shown in the report
 * @param seed      seeds every random choice of the run (data, init, data order, stage order)
 * @param threads   PyTorch threads; 1 makes the run repeat bit for bit
 * @param batchSize examples per optimizer step in every training
 * @param maxLength input positions of a row
 * @param data      where the tasks come from
 * @param base      the pre-trained model θ0, given or pre-trained by the run
 * @param methods   CPI-FT settings, each run in full (probes, masks, groups, fusion, consolidation)
 * @param baselines what CPI-FT is compared with
 * @param eval      how every model is scored
 */
public record PipelineConfig(String name, long seed, int threads, int batchSize, int maxLength, Data data, Base base,
                             List<Method> methods, Baselines baselines, Eval eval) {

    /**
     * A training's length and pace; {@code steps} 0 means "matched" where a baseline allows it,
     * {@code batchSize} 0 the pipeline's {@code batch_size}.
     */
    public record Training(int steps, double lr, int warmup, int batchSize) {
    }

    /** Tasks from the built-in generator ({@code synth}) or from files ({@code tasks}, {@code pretrain}). */
    public record Data(Synth synth, List<TaskFiles> tasks, Path pretrain) {
    }

    /** {@code cpift data synth} settings: examples per task and split, the generic pre-training mixture, the task names. */
    public record Synth(int train, int eval, int pretrain, List<String> tasks) {
    }

    public record TaskFiles(String name, Path train, Path eval) {
    }

    /** Either an existing model folder, or an architecture initialised at random and pre-trained on the mixture. */
    public record Base(Path model, Init init, Training pretrain) {
    }

    public record Init(int layers, int hidden, int heads, int kvHeads, int intermediate) {
    }

    /**
     * One CPI-FT setting.
     *
     * @param consolidationData {@code group}: stage k trains on a balanced sample of group k's tasks (the paper's
     *                          main setting); {@code mixed}: of all tasks (its "mixed-task" variant)
     * @param perTask           examples per task in a consolidation stage's sample
     */
    public record Method(String name, Training probe, double topPercent, double tau, String order, List<String> givenOrder,
                         Training consolidation, String consolidationData, int perTask) {
    }

    /**
     * @param multitask  all tasks mixed; steps 0 = the total steps of the first CPI-FT method
     * @param groups     K random groups for multi-stage SFT
     * @param multistage steps per stage; 0 = the first method's total divided by K
     * @param pair       the sequential A→B pair
     * @param sequential steps of A, then of B
     */
    public record Baselines(Training multitask, int groups, Training multistage, List<String> pair, Training sequential) {
    }

    public record Eval(int perTask, int maxNewTokens) {
    }

    /** The same pipeline with another seed (repeated runs of one file). */
    public PipelineConfig withSeed(long s) {
        return new PipelineConfig(name, s, threads, batchSize, maxLength, data, base, methods, baselines, eval);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static PipelineConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "pipeline file not found; fix: give --config a YAML file such as examples/benchmark.yaml");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("pipeline file " + file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("pipeline file " + file + " must be a YAML mapping (name:, data:, base:, ...)");
        }
        return parse(new ConfigNode(file, "", root));
    }

    static PipelineConfig parse(ConfigNode r) {
        r.allowOnly("name", "seed", "threads", "batch_size", "max_length", "data", "base", "cpift", "baselines", "eval");
        int batch = r.integer("batch_size", 16, 1);
        Data data = data(r.child("data"));
        Base base = base(r.child("base"));
        List<Method> methods = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode m : r.list("cpift")) {
            Method method = method(m);
            if (!names.add(method.name())) {
                throw m.error("name", "repeats '" + method.name() + "'; fix: give each CPI-FT setting its own name");
            }
            methods.add(method);
        }
        if (methods.isEmpty()) {
            throw r.error("cpift", "must list at least one CPI-FT setting (name, probe, top_percent, tau, consolidation)");
        }
        return new PipelineConfig(r.text("name", "cpift-run", Set.of()), r.longValue("seed", 0), r.integer("threads", 1, 1), batch,
                r.integer("max_length", 128, 8), data, base, List.copyOf(methods), baselines(r.child("baselines")), eval(r.child("eval")));
    }

    private static Data data(ConfigNode d) {
        d.allowOnly("synth", "tasks", "pretrain");
        Synth synth = null;
        if (d.has("synth")) {
            ConfigNode s = d.child("synth").allowOnly("train", "eval", "pretrain", "tasks");
            synth = new Synth(s.integer("train", 1000, 1), s.integer("eval", 100, 1), s.integer("pretrain", 4000, 1), s.strings("tasks"));
        }
        List<TaskFiles> tasks = new ArrayList<>();
        for (ConfigNode t : d.list("tasks")) {
            t.allowOnly("name", "train", "eval");
            if (!t.has("name") || !t.has("train") || !t.has("eval")) {
                throw t.error("name", "each task needs name, train and eval (JSONL files)");
            }
            tasks.add(new TaskFiles(t.text("name", null, Set.of()), t.path("train"), t.path("eval")));
        }
        if ((synth == null) == tasks.isEmpty()) {
            throw d.error("synth", "give either data.synth (generated tasks) or data.tasks (your files), not both or neither");
        }
        return new Data(synth, List.copyOf(tasks), d.path("pretrain"));
    }

    private static Base base(ConfigNode b) {
        b.allowOnly("model", "init", "pretrain");
        if (b.has("model")) {
            return new Base(b.path("model"), null, null);
        }
        ConfigNode i = b.child("init").allowOnly("layers", "hidden", "heads", "kv_heads", "intermediate");
        int heads = i.integer("heads", 4, 1);
        int hidden = i.integer("hidden", 128, 2);
        Init init = new Init(i.integer("layers", 4, 1), hidden, heads, i.integer("kv_heads", heads, 1), i.integer("intermediate", hidden * 8 / 3, 1));
        return new Base(null, init, plainTraining(b.child("pretrain"), 1000, 3e-3));
    }

    private static Method method(ConfigNode m) {
        m.allowOnly("name", "probe", "top_percent", "tau", "order", "consolidation");
        // order: a rule's name, or the task names in the order wanted
        List<String> given = m.isList("order") ? m.strings("order") : List.of();
        String order = given.isEmpty() ? m.text("order", StageOrders.RANDOM, Set.of(StageOrders.RANDOM, StageOrders.LARGEST_FIRST))
                : StageOrders.GIVEN;
        ConfigNode c = m.child("consolidation");
        c.allowOnly("steps", "lr", "warmup", "batch_size", "data", "per_task");
        return new Method(m.text("name", "cpift", Set.of()), plainTraining(m.child("probe"), 100, 1e-3),
                m.number("top_percent", 1.0, 1e-9, 100), m.number("tau", 0.1, 0, 1), order, given,
                training(c, 50, 1e-3), c.text("data", "group", Set.of("group", "mixed")), c.integer("per_task", 200, 1));
    }

    private static Baselines baselines(ConfigNode b) {
        b.allowOnly("multitask", "multistage", "sequential");
        ConfigNode ms = b.child("multistage");
        ConfigNode seq = b.child("sequential");
        ms.allowOnly("steps", "lr", "warmup", "batch_size", "groups");
        seq.allowOnly("steps", "lr", "warmup", "batch_size", "pair");
        List<String> pair = seq.strings("pair");
        if (!pair.isEmpty() && (pair.size() != 2 || pair.get(0).equals(pair.get(1)))) {
            throw seq.error("pair", "must name two different tasks [A, B], found " + pair);
        }
        return new Baselines(plainTraining(b.child("multitask"), 0, 1e-3), ms.integer("groups", 2, 1),
                training(ms, 0, 1e-3), pair, training(seq, 100, 1e-3));
    }

    private static Eval eval(ConfigNode e) {
        e.allowOnly("per_task", "max_new_tokens");
        return new Eval(e.integer("per_task", 100, 1), e.integer("max_new_tokens", 16, 1));
    }

    private static Training training(ConfigNode t, int steps, double lr) {
        int s = t.integer("steps", steps, 0);
        return new Training(s, t.number("lr", lr, 1e-9, 10), t.integer("warmup", Math.max(0, s / 10), 0), t.integer("batch_size", 0, 0));
    }

    private static Training plainTraining(ConfigNode t, int steps, double lr) {
        t.allowOnly("steps", "lr", "warmup", "batch_size");
        return training(t, steps, lr);
    }
}
