package ai.cpift.fusion.app;

import ai.cpift.service.Places;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.fusion.CoreFusion;
import ai.cpift.core.fusion.FusionOptions;
import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.core.fusion.FusionReport;
import ai.cpift.core.fusion.FusionTask;
import ai.cpift.events.Artifact;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.EventCodec;
import ai.cpift.events.EventMeta;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.TaskCore;
import ai.cpift.fusion.config.FusionConfig;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.service.Platform;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 4 for one generation of a pipeline: the task models fused into one ({@link CoreFusion}: each
 * core transplanted, the rest merged by SLERP, tasks in stage order then by name) and stored as a
 * Hugging Face folder at {@link ObjectKeys#fused}, with {@code fusion.json} beside the weights. A folder
 * already stored completely for the same inputs is reused; one stored for other inputs is an error,
 * never overwritten (a trainer may be consolidating from it).
 */
@ApplicationScoped
public class FuseModels {
    private static final Logger LOG = Logger.getLogger(FuseModels.class);
    private final Platform platform;
    private final FusionConfig config;

    public FuseModels(Platform platform, FusionConfig config) {
        this.platform = platform;
        this.config = config;
    }

    /** The fused model of {@code in}'s generation, stored; {@code meta} is the answer's. */
    public ModelFused apply(ClustersFormed in, EventMeta meta, FusionProgress progress) throws IOException {
        String p = in.meta().pipeline();
        String where = "clusters-formed " + in.meta().id() + " (pipeline " + p + ", generation " + in.generation() + ")";
        List<TaskCore> tasks = inOrder(in, where);
        FusedRecord.Inputs inputs = new FusedRecord.Inputs(in.base(), in.order(),
                tasks.stream().map(t -> new FusedRecord.TaskInput(t.task(), t.probe(), t.mask())).toList());
        String prefix = ObjectKeys.fused(p, in.generation());
        ObjectStore store = platform.store();
        Path work = platform.workDir("fusion", p, "generation-" + in.generation());
        Places places = new Places().add(work.resolve("base"), in.base().prefix());
        try {
            Optional<ModelRef> stored = store.folder(prefix);
            if (stored.isPresent()) {
                return reuse(in, meta, stored.get(), inputs, where);
            }
            CheckpointWriter.deleteTree(work);
            Path base = store.getFolder(in.base(), work.resolve("base"));
            List<FusionTask> fusionTasks = new ArrayList<>();
            for (TaskCore t : tasks) {
                Path dir = work.resolve("tasks").resolve(t.task());
                places.add(dir.resolve("probe"), t.probe().prefix()).add(dir.resolve("core.mask"), t.mask().key());
                Path probe = store.getFolder(t.probe(), dir.resolve("probe"));
                Path mask = store.get(t.mask(), dir.resolve("core.mask"));
                fusionTasks.add(FusionTask.of(t.task(), probe, mask));
            }
            Path out = work.resolve("fused");
            places.add(out, prefix);
            FusionOptions options = FusionOptions.defaults().withThreads(platform.config().threads())
                    .withVerifyDigests(config.verifyDigests()).withMaxShardBytes(config.maxShardBytes());
            FusionReport report = CoreFusion.fuse(base, fusionTasks, out, options, progress);
            FusedRecord record = record(inputs, report);
            EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve(FusedRecord.FILE_NAME).toFile(), record);
            ModelRef fused = store.putFolder(prefix, out);
            LOG.infof("%s: fused %d tasks %s in %.1fs, %,d elements from cores (%,d in conflict), stored at %s", where, tasks.size(),
                    in.order(), record.seconds(), record.coreElements(), record.conflicts(), prefix);
            return event(in, meta, fused, record.coreElements());
        } catch (IOException e) {
            throw new IOException("fusion of " + where + ": " + places.keys(e.getMessage()), e);
        } finally {
            CheckpointWriter.deleteTree(work);
        }
    }

    /** The event's tasks in its {@code order}, which must name each of them exactly once. */
    private static List<TaskCore> inOrder(ClustersFormed in, String where) {
        Map<String, TaskCore> byName = new LinkedHashMap<>();
        in.tasks().forEach(t -> byName.put(t.task(), t));
        List<TaskCore> out = new ArrayList<>();
        for (String name : in.order()) {
            TaskCore t = byName.remove(name);
            if (t == null) {
                throw new IllegalArgumentException(where + ": the order " + in.order() + " names '" + name + "' twice or a task not among "
                        + in.tasks().stream().map(TaskCore::task).toList() + "; fix: the cluster service must order every task once");
            }
            out.add(t);
        }
        if (!byName.isEmpty() || out.isEmpty()) {
            throw new IllegalArgumentException(where + ": the order " + in.order() + " leaves out " + byName.keySet()
                    + "; fix: the cluster service must order every task once (and a generation needs at least one task)");
        }
        return out;
    }

    private ModelFused reuse(ClustersFormed in, EventMeta meta, ModelRef stored, FusedRecord.Inputs inputs, String where)
            throws IOException {
        String key = stored.prefix() + FusedRecord.FILE_NAME;
        Artifact file = stored.files().stream().filter(a -> a.key().equals(key)).findFirst().orElseThrow(() -> new IOException(
                "the fused model " + stored.prefix() + " is stored without " + FusedRecord.FILE_NAME
                        + ", so it was not made by this service; fix: remove the folder and its manifest, then replay the event"));
        FusedRecord record = EventCodec.mapper().readValue(platform.store().getBytes(file), FusedRecord.class);
        if (!record.inputs().equals(inputs)) {
            throw new IOException("the fused model " + stored.prefix() + " was stored from other inputs than " + where
                    + " names (base, tasks, probes, masks or order differ); a generation's fused model is never replaced; fix: "
                    + "register the change as a new generation, or remove the folder and its manifest if it is stale");
        }
        LOG.infof("%s: reusing the fused model stored at %s", where, stored.prefix());
        return event(in, meta, stored, record.coreElements());
    }

    private static FusedRecord record(FusedRecord.Inputs inputs, FusionReport report) {
        Map<String, Long> transplanted = new LinkedHashMap<>();
        long core = 0;
        for (int i = 0; i < report.tasks().size(); i++) {
            transplanted.put(report.tasks().get(i), report.transplanted(i));
            core += report.transplanted(i);
        }
        return new FusedRecord(inputs, core, report.conflicts(), transplanted, report.elapsed().toMillis() / 1000.0);
    }

    private static ModelFused event(ClustersFormed in, EventMeta meta, ModelRef fused, long coreElements) {
        return new ModelFused(meta, in.generation(), in.settings(), in.base(), in.tasks(), in.groups(), in.order(), fused, coreElements);
    }
}
