package ai.cpift.trainer.app;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.events.Artifact;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.StageOutcome;
import ai.cpift.events.TaskCore;
import ai.cpift.model.data.BalancedSampleFile;
import ai.cpift.model.pipeline.ModelDiff;
import ai.cpift.model.train.SftTrainer;
import ai.cpift.model.train.TrainJob;
import ai.cpift.platform.kafka.StageContext;
import ai.cpift.platform.store.ObjectStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 5: the fused model trained stage by stage, one stage per group in stage order, as the offline
 * pipeline's {@code MethodRun} does it. Stage k trains on a balanced sample of {@code perTask} lines of
 * each of its tasks (the group's, or all tasks for {@code mixed}; sample seed = seed + k − 1), freezing
 * the union of the cores of the groups before it, and is checked afterwards: every frozen element
 * bit-identical to the stage's input, or the stage fails. Each stage is stored under
 * {@link ObjectKeys#stage}; a stage already stored is reused, so a restarted trainer does not train a
 * finished stage again.
 */
@ApplicationScoped
public class Consolidation {
    private static final Logger LOG = Logger.getLogger(Consolidation.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainerWork work;

    public Consolidation(TrainerWork work) {
        this.work = work;
    }

    public ModelConsolidated run(ModelFused in, StageContext context) throws Exception {
        String pipeline = in.meta().pipeline();
        int g = in.generation();
        Map<String, TaskCore> tasks = tasksOf(in);
        Path dir = work.workDir("consolidation", pipeline + "_" + g, List.of(in.fused(), in.tasks(), in.groups(), in.settings()));
        LocalNames names = new LocalNames();
        ObjectStore store = work.store();
        try {
            Path fused = store.getFolder(in.fused(), dir.resolve("fused"));
            names.folder(fused, in.fused().prefix());
            Map<String, Path> train = new LinkedHashMap<>();
            Map<String, Path> maskFiles = new LinkedHashMap<>();
            for (TaskCore t : tasks.values()) {
                train.put(t.task(), names.fileOf(store.get(t.train(), dir.resolve("data").resolve(t.task() + ".jsonl")), t.train().key()));
                maskFiles.put(t.task(), names.fileOf(store.get(t.mask(), dir.resolve("masks").resolve(t.task() + ".mask")), t.mask().key()));
            }
            List<StageRun> stages = new ArrayList<>();
            List<CoreMask> frozen = new ArrayList<>();
            List<Path> frozenFiles = new ArrayList<>();
            Path prev = fused;
            for (int k = 1; k <= in.groups().size(); k++) {
                StageRun r = stage(in, context, k, prev, train, frozen, frozenFiles, dir, names);
                stages.add(r);
                for (String t : in.groups().get(k - 1)) {
                    frozen.add(MaskFile.read(maskFiles.get(t)));
                    frozenFiles.add(maskFiles.get(t));
                }
                prev = r.model();
            }
            Map<String, Map<String, Double>> scores = new ConsolidationScores(work, names, dir).of(in, fused, prev);
            Artifact report = store.putBytes(ObjectKeys.report(pipeline, g),
                    ConsolidationReport.json(in, stages, scores, work.evalExamples(), work.evalMaxNewTokens()));
            List<StageOutcome> outcomes = stages.stream().map(StageRun::outcome).toList();
            ModelConsolidated answer = new ModelConsolidated(context.metaFor(in), g, in.settings(), in.fused(),
                    outcomes.getLast().model(), outcomes, scores, report,
                    stages.stream().mapToLong(s -> s.training().path("steps").asLong()).sum(),
                    stages.stream().mapToLong(s -> s.training().path("tokens_seen").asLong()).sum());
            TrainerWork.clean(dir);
            return answer;
        } catch (Exception e) {
            throw names.failure("consolidation of pipeline " + pipeline + " generation " + g + " (fused model " + in.fused().prefix() + ")", e);
        }
    }

    private StageRun stage(ModelFused in, StageContext context, int k, Path prev, Map<String, Path> train, List<CoreMask> frozen,
                           List<Path> frozenFiles, Path dir, LocalNames names) throws IOException, StageInputException {
        String pipeline = in.meta().pipeline();
        int n = in.groups().size();
        List<String> group = in.groups().get(k - 1);
        Map<String, Path> data = new LinkedHashMap<>();
        train.forEach((t, file) -> {
            if (in.settings().consolidationData().equals("mixed") || group.contains(t)) {
                data.put(t, file);
            }
        });
        String prefix = ObjectKeys.stage(pipeline, in.generation(), k);
        Path out = dir.resolve("stage-" + k);
        names.folder(out, prefix);
        long seed = in.settings().seed() + k - 1; // MethodRun's seed + (0-based stage index): the same sample offline and here
        ObjectStore store = work.store();
        Optional<ModelRef> stored = store.folder(prefix);
        ModelRef ref = stored.orElse(null);
        if (stored.isPresent()) {
            LOG.infof("%s: stage %d/%d of generation %d is stored at %s; reused, not trained again", pipeline, k, n, in.generation(), prefix);
            store.getFolder(stored.get(), out);
            if (!Files.isRegularFile(out.resolve(SftTrainer.SUMMARY))) {
                throw new StageInputException("the stored stage " + prefix + " has no " + SftTrainer.SUMMARY + ", so it was not made by "
                        + "the trainer; fix: delete " + ObjectStore.manifestKey(prefix) + " so the stage is trained again");
            }
        } else {
            Path sample = BalancedSampleFile.write(data, in.settings().perTask(), seed, dir.resolve("samples").resolve("stage-" + k + ".jsonl"));
            String phase = String.format(Locale.ROOT, "generation %d stage %d/%d", in.generation(), k, n);
            SftTrainer.run(TrainJob.of(prev, List.of(sample), frozenFiles, out, work.params(in.settings().consolidation(), in.settings())),
                    new ProgressRelay(context, in, pipeline, phase));
        }
        ModelDiff.FrozenCheck check = ModelDiff.frozen(prev, out, frozen);
        if (!check.intact()) {
            throw new StageInputException(String.format(Locale.ROOT, "stage %d/%d (%s) changed %d of %d frozen elements of the cores of "
                    + "the groups before it; this is a defect of the trainer, not of the input: the stage is not stored; fix: report it "
                    + "with the pipeline's events", k, n, stored.isPresent() ? "stored at " + prefix : "just trained", check.changed(),
                    check.checked()));
        }
        if (ref == null) {
            ref = store.putFolder(prefix, out);
        }
        JsonNode training = JSON.readTree(out.resolve(SftTrainer.SUMMARY).toFile());
        StageOutcome outcome = new StageOutcome(k, group, List.copyOf(data.keySet()), check.checked(), check.changed(), ref);
        return new StageRun(outcome, out, training, seed);
    }

    /** The event's tasks by name, refusing groups that name a task it does not carry. */
    private static Map<String, TaskCore> tasksOf(ModelFused in) throws StageInputException {
        Map<String, TaskCore> tasks = new LinkedHashMap<>();
        in.tasks().forEach(t -> tasks.put(t.task(), t));
        if (in.groups().isEmpty()) {
            throw new StageInputException("model-fused " + in.meta().id() + " of pipeline " + in.meta().pipeline() + " generation "
                    + in.generation() + " has no groups; fix: the fusion service must send the groups in stage order");
        }
        for (List<String> group : in.groups()) {
            for (String t : group) {
                if (!tasks.containsKey(t)) {
                    throw new StageInputException("model-fused " + in.meta().id() + " of pipeline " + in.meta().pipeline() + " generation "
                            + in.generation() + ": group " + group + " names task '" + t + "', which is not among its tasks "
                            + tasks.keySet() + "; fix: the fusion service must send a core for every grouped task");
                }
            }
        }
        return tasks;
    }
}
