package ai.cpift.model.pipeline;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import ai.cpift.model.data.Shuffle;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The methods CPI-FT is measured against, under {@code out/baselines/}: multi-task SFT on all tasks
 * mixed, multi-stage SFT over K random groups, and sequential A→B fine-tuning with and without
 * freezing A's core (forgetting). By default the first two train for as many steps as the first
 * CPI-FT setting did in all (its probes plus its consolidation), so every method sees about the
 * same number of training tokens; the report prints the tokens each one actually saw.
 */
final class BaselineRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineConfig cfg;
    private final List<PipelineConfig.TaskFiles> tasks;
    private final Path base;
    private final Path dir;
    private final Trainings trainings;
    private final PipelineListener listener;

    BaselineRun(PipelineConfig cfg, List<PipelineConfig.TaskFiles> tasks, Path base, Path out, Trainings trainings, PipelineListener listener) {
        this.cfg = cfg;
        this.tasks = tasks;
        this.base = base;
        this.dir = out.resolve("baselines");
        this.trainings = trainings;
        this.listener = listener;
    }

    ObjectNode run(long matchedSteps, List<String> pair, List<RunModel> models) throws IOException {
        PipelineConfig.Baselines b = cfg.baselines();
        ObjectNode o = JSON.createObjectNode();
        PipelineConfig.Training mt = matched(b.multitask(), matchedSteps);
        listener.stage(String.format(Locale.ROOT, "[baselines] multi-task SFT on all %d tasks mixed, %d steps", tasks.size(), mt.steps()));
        ObjectNode tj = trainings.train("multi-task", base, tasks.stream().map(PipelineConfig.TaskFiles::train).toList(), List.of(),
                dir.resolve("multitask"), mt, cfg.seed());
        models.add(new RunModel("baselines/multitask", "multi-task SFT", "multitask", dir.resolve("multitask"), tj));
        o.putObject("multitask").put("steps", tj.path("steps").asLong()).put("tokens", tj.path("tokens_seen").asLong());

        List<List<PipelineConfig.TaskFiles>> groups = randomGroups(Math.min(b.groups(), tasks.size()));
        PipelineConfig.Training ms = matched(b.multistage(), Math.max(1, matchedSteps / groups.size()));
        ObjectNode mo = o.putObject("multistage");
        ArrayNode gj = mo.putArray("groups");
        Path prev = base;
        long steps = 0;
        long tokens = 0;
        for (int k = 0; k < groups.size(); k++) {
            List<String> names = groups.get(k).stream().map(PipelineConfig.TaskFiles::name).toList();
            gj.add(JSON.valueToTree(names));
            listener.stage(String.format(Locale.ROOT, "[baselines] multi-stage SFT stage %d/%d on %s, %d steps", k + 1, groups.size(), names, ms.steps()));
            Path stage = dir.resolve("multistage").resolve("stage-" + (k + 1));
            tj = trainings.train("multi-stage " + (k + 1), prev, groups.get(k).stream().map(PipelineConfig.TaskFiles::train).toList(),
                    List.of(), stage, ms, cfg.seed());
            steps += tj.path("steps").asLong();
            tokens += tj.path("tokens_seen").asLong();
            prev = stage;
            if (k == groups.size() - 1) {
                models.add(new RunModel("baselines/multistage", "multi-stage SFT (" + groups.size() + " random groups)", "multistage", stage, tj));
            }
        }
        mo.put("steps", steps).put("tokens", tokens);
        if (pair.size() == 2) {
            o.set("sequential", sequential(pair, models));
        }
        return o;
    }

    /** A trained on A, then on B: once plainly, once with A's core (from its own probe, top p %) frozen. */
    private ObjectNode sequential(List<String> pair, List<RunModel> models) throws IOException {
        PipelineConfig.TaskFiles a = task(pair.get(0));
        PipelineConfig.TaskFiles b = task(pair.get(1));
        PipelineConfig.Training t = cfg.baselines().sequential();
        Path seq = dir.resolve("sequential");
        listener.stage(String.format(Locale.ROOT, "[baselines] sequential %s -> %s, %d steps each", a.name(), b.name(), t.steps()));
        ObjectNode ta = trainings.train("sequential " + a.name(), base, List.of(a.train()), List.of(), seq.resolve("A"), t, cfg.seed());
        models.add(new RunModel("baselines/seq-A", "sequential: " + a.name() + " only", "sequential", seq.resolve("A"), ta));
        ObjectNode tab = trainings.train("sequential " + a.name() + "->" + b.name(), seq.resolve("A"), List.of(b.train()), List.of(),
                seq.resolve("AB"), t, cfg.seed());
        models.add(new RunModel("baselines/seq-AB", "sequential: " + a.name() + " then " + b.name(), "sequential", seq.resolve("AB"), tab));
        double p = cfg.methods().getFirst().topPercent();
        Path mask = seq.resolve("A.mask");
        if (!Files.isRegularFile(mask)) {
            try (Checkpoint c0 = Checkpoint.open(base); Checkpoint c1 = Checkpoint.open(seq.resolve("A"))) {
                CoreRegion.Result r = CoreRegion.compute(c0, c1, CoreRegionParams.of(p).withThreads(cfg.threads()), a.name(),
                        CheckpointDigest.sha256(c0), CheckpointDigest.sha256(c1), ProgressListener.NONE);
                MaskFile.write(mask, r.header(), r.bitmaps());
            }
        }
        ObjectNode tf = trainings.train("sequential " + a.name() + "->" + b.name() + " frozen", seq.resolve("A"), List.of(b.train()),
                List.of(mask), seq.resolve("AB-frozen"), t, cfg.seed());
        models.add(new RunModel("baselines/seq-AB-frozen", "sequential: " + a.name() + " then " + b.name() + ", " + a.name()
                + "'s core frozen", "sequential", seq.resolve("AB-frozen"), tf));
        ObjectNode o = JSON.createObjectNode();
        o.put("a", a.name()).put("b", b.name()).put("steps_each", t.steps()).put("top_percent", p);
        return o;
    }

    private PipelineConfig.TaskFiles task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "baselines.sequential.pair names task '" + name + "', which the run does not have; tasks: "
                        + tasks.stream().map(PipelineConfig.TaskFiles::name).toList()));
    }

    /** The tasks dealt into K groups after a seeded shuffle (sizes differ by at most one). */
    private List<List<PipelineConfig.TaskFiles>> randomGroups(int k) {
        List<PipelineConfig.TaskFiles> shuffled = Shuffle.shuffled(tasks, Shuffle.derive(cfg.seed(), 0x6709));
        List<List<PipelineConfig.TaskFiles>> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < shuffled.size(); i++) {
            out.get(i % k).add(shuffled.get(i));
        }
        return out;
    }

    private static PipelineConfig.Training matched(PipelineConfig.Training t, long steps) {
        if (t.steps() > 0) {
            return t;
        }
        int s = (int) Math.max(1, Math.min(Integer.MAX_VALUE, steps));
        return new PipelineConfig.Training(s, t.lr(), s / 10, t.batchSize());
    }
}
