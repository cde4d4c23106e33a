package ai.cpift.model.pipeline;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.fusion.CoreFusion;
import ai.cpift.core.fusion.FusionOptions;
import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.core.fusion.FusionTask;
import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import ai.cpift.model.data.BalancedSampleFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One CPI-FT setting, stages 1 to 5, under {@code out/<name>/}: {@code probes/<task>},
 * {@code masks/<task>.mask}, {@code groups.json}, {@code fused}, {@code consolidation/stage-<k>}.
 * Each stage is skipped when its output is already there.
 */
final class MethodRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineConfig cfg;
    private final PipelineConfig.Method m;
    private final List<PipelineConfig.TaskFiles> tasks;
    private final Path base;
    private final Path dir;
    private final Trainings trainings;
    private final PipelineListener listener;

    MethodRun(PipelineConfig cfg, PipelineConfig.Method m, List<PipelineConfig.TaskFiles> tasks, Path base, Path out,
              Trainings trainings, PipelineListener listener) {
        this.cfg = cfg;
        this.m = m;
        this.tasks = tasks;
        this.base = base;
        this.dir = out.resolve(m.name());
        this.trainings = trainings;
        this.listener = listener;
    }

    /** Runs the setting; adds its models to {@code models} and returns its part of the report. */
    ObjectNode run(List<RunModel> models) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", m.name());
        o.set("settings", JSON.valueToTree(m));
        Map<String, Path> probes = new LinkedHashMap<>();
        long steps = 0;
        long tokens = 0;
        int i = 0;
        for (PipelineConfig.TaskFiles t : tasks) {
            listener.stage(String.format(Locale.ROOT, "[%s] 1/5 probe fine-tune %s (%d/%d)", m.name(), t.name(), ++i, tasks.size()));
            Path p = dir.resolve("probes").resolve(t.name());
            ObjectNode tj = trainings.train(m.name() + " probe " + t.name(), base, List.of(t.train()), List.of(), p, m.probe(), cfg.seed());
            probes.put(t.name(), p);
            models.add(new RunModel(m.name() + "/probe/" + t.name(), "probe " + t.name(), "probe", p, tj));
            steps += tj.path("steps").asLong();
            tokens += tj.path("tokens_seen").asLong();
        }
        Map<String, CoreMask> masks = masks(probes, o.putArray("masks"));
        GroupingResult g = group(masks);
        o.set("jaccard", JSON.valueToTree(g.jaccard()));
        o.set("tasks", JSON.valueToTree(g.tasks()));
        o.set("groups", JSON.valueToTree(g.groups()));
        o.set("order", JSON.valueToTree(g.order()));
        o.put("stage_order_rule", g.strategy()).put("stage_order_seed", g.seed());
        Path fused = dir.resolve("fused");
        if (!Files.isDirectory(fused)) {
            listener.stage(String.format(Locale.ROOT, "[%s] 4/5 fusion of %d task models in stage order %s", m.name(), tasks.size(), g.order()));
            List<FusionTask> ft = new ArrayList<>();
            for (String name : g.order()) {
                ft.add(FusionTask.of(name, probes.get(name), masks.get(name).source()));
            }
            CoreFusion.fuse(base, ft, fused, FusionOptions.defaults().withThreads(cfg.threads()), FusionProgress.NONE);
        }
        models.add(new RunModel(m.name() + "/fused", "fused", "fused", fused, null));
        ArrayNode stages = o.putArray("stages");
        Path prev = fused;
        List<CoreMask> frozen = new ArrayList<>();
        List<Path> frozenFiles = new ArrayList<>();
        for (int k = 0; k < g.groups().size(); k++) {
            List<String> group = g.groups().get(k);
            Map<String, Path> trainFiles = new LinkedHashMap<>();
            for (PipelineConfig.TaskFiles t : tasks) {
                if (m.consolidationData().equals("mixed") || group.contains(t.name())) {
                    trainFiles.put(t.name(), t.train());
                }
            }
            Path stageDir = dir.resolve("consolidation").resolve("stage-" + (k + 1));
            Path data = BalancedSampleFile.write(trainFiles, m.perTask(), cfg.seed() + k, dir.resolve("consolidation").resolve("stage-" + (k + 1) + ".jsonl"));
            listener.stage(String.format(Locale.ROOT, "[%s] 5/5 consolidation stage %d/%d on %s, freezing the cores of %d earlier task(s)",
                    m.name(), k + 1, g.groups().size(), trainFiles.keySet(), frozen.size()));
            ObjectNode tj = trainings.train(m.name() + " stage " + (k + 1), prev, List.of(data), frozenFiles, stageDir, m.consolidation(), cfg.seed());
            ModelDiff.FrozenCheck check = ModelDiff.frozen(prev, stageDir, frozen);
            if (!check.intact()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "consolidation stage %d of %s changed %d of %d frozen elements; "
                        + "this is a defect of the trainer, please report it with %s", k + 1, m.name(), check.changed(), check.checked(), stageDir));
            }
            ObjectNode s = stages.addObject();
            s.put("stage", k + 1);
            s.set("group", JSON.valueToTree(group));
            s.set("trained_on", JSON.valueToTree(trainFiles.keySet()));
            s.put("frozen_elements_checked", check.checked()).put("frozen_elements_changed", check.changed());
            boolean last = k == g.groups().size() - 1;
            models.add(new RunModel(m.name() + "/stage-" + (k + 1), last ? "consolidated" : "after stage " + (k + 1),
                    last ? "consolidated" : "stage", stageDir, tj));
            steps += tj.path("steps").asLong();
            tokens += tj.path("tokens_seen").asLong();
            for (String name : group) {
                frozen.add(masks.get(name));
                frozenFiles.add(masks.get(name).source());
            }
            prev = stageDir;
        }
        o.put("total_steps", steps).put("total_tokens", tokens);
        return o;
    }

    /**
     * Stage 2: one mask per probe, each read once for the later stages; records each core's size and
     * threshold (the report adds the probe's distance from the base).
     */
    private Map<String, CoreMask> masks(Map<String, Path> probes, ArrayNode report) throws IOException {
        Map<String, CoreMask> out = new LinkedHashMap<>();
        String baseSha = null;
        for (Map.Entry<String, Path> e : probes.entrySet()) {
            Path file = dir.resolve("masks").resolve(e.getKey() + ".mask");
            if (!Files.isRegularFile(file)) {
                listener.stage(String.format(Locale.ROOT, "[%s] 2/5 core region of %s (top %s %%)", m.name(), e.getKey(), m.topPercent()));
                try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(e.getValue())) {
                    baseSha = baseSha == null ? CheckpointDigest.sha256(b) : baseSha;
                    CoreRegion.Result r = CoreRegion.compute(b, t, CoreRegionParams.of(m.topPercent()).withThreads(cfg.threads()),
                            e.getKey(), baseSha, CheckpointDigest.sha256(t), ProgressListener.NONE);
                    MaskFile.write(file, r.header(), r.bitmaps());
                }
            }
            CoreMask mask = MaskFile.read(file);
            report.addObject().put("task", e.getKey()).put("core_elements", mask.cardinality()).put("threshold", mask.header().threshold());
            out.put(e.getKey(), mask);
        }
        return out;
    }

    /** Stage 3: Jaccard, components at τ, stage order; written to {@code groups.json}. */
    private GroupingResult group(Map<String, CoreMask> byTask) throws IOException {
        List<String> names = m.givenOrder().isEmpty() ? List.copyOf(byTask.keySet()) : m.givenOrder();
        if (!m.givenOrder().isEmpty() && !(names.size() == byTask.size() && byTask.keySet().containsAll(names))) {
            throw new IllegalArgumentException("CPI-FT setting '" + m.name() + "': order " + names + " must name every task once: "
                    + byTask.keySet());
        }
        List<CoreMask> masks = names.stream().map(byTask::get).toList();
        listener.stage(String.format(Locale.ROOT, "[%s] 3/5 grouping at tau %s", m.name(), m.tau()));
        GroupingResult g = Grouping.group(PackedMask.ofAll(masks, cfg.threads()), new GroupingParams(m.tau(), m.order(), cfg.seed()), cfg.threads());
        ObjectNode j = JSON.createObjectNode();
        j.set("tasks", JSON.valueToTree(g.tasks()));
        j.set("jaccard", JSON.valueToTree(g.jaccard()));
        j.set("groups", JSON.valueToTree(g.groups()));
        j.set("order", JSON.valueToTree(g.order()));
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("groups.json").toFile(), j);
        return g;
    }
}
