package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.safetensors.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The opened inputs of a fusion, checked to fit together before anything is written: every task
 * checkpoint holds exactly the base's tensors with the base's shapes (dtypes may differ, but a
 * floating tensor stays floating), every mask belongs to its task and covers only floating tensors
 * of the base with the base's shapes, and optionally every mask was computed from these very
 * checkpoints (SHA-256). Values (NaN, infinity) are checked while streaming, in the first pass.
 */
final class FusionInputs implements AutoCloseable {
    private static final int EXAMPLES = 5;

    final Checkpoint base;
    final List<Checkpoint> checkpoints;
    final List<CoreMask> masks;
    final List<FusionTask> tasks;

    private FusionInputs(Checkpoint base, List<Checkpoint> checkpoints, List<CoreMask> masks, List<FusionTask> tasks) {
        this.base = base;
        this.checkpoints = checkpoints;
        this.masks = masks;
        this.tasks = tasks;
    }

    static FusionInputs open(Path basePath, List<FusionTask> tasks, FusionOptions options) throws IOException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("fusion needs at least one task: give each as a name, a checkpoint and a mask");
        }
        Set<String> names = new HashSet<>();
        for (FusionTask t : tasks) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("task '" + t.name() + "' is given twice: give each task once");
            }
        }
        List<Checkpoint> opened = new ArrayList<>();
        try {
            Checkpoint base = Checkpoint.open(basePath);
            opened.add(base);
            List<Checkpoint> checkpoints = new ArrayList<>();
            for (FusionTask t : tasks) {
                Checkpoint c = Checkpoint.open(t.checkpoint());
                opened.add(c);
                checkpoints.add(c);
                checkTensors(base, c, t);
            }
            List<CoreMask> masks = new ArrayList<>();
            for (FusionTask t : tasks) {
                CoreMask m = MaskFile.read(t.mask());
                checkMask(base, m, t);
                masks.add(m);
            }
            if (options.verifyDigests()) {
                verifyDigests(base, checkpoints, masks, tasks);
            }
            return new FusionInputs(base, List.copyOf(checkpoints), List.copyOf(masks), List.copyOf(tasks));
        } catch (IOException | RuntimeException e) {
            opened.forEach(Checkpoint::close);
            throw e;
        }
    }

    private static void checkTensors(Checkpoint base, Checkpoint task, FusionTask t) throws FusionInputException {
        String where = "task '" + t.name() + "' checkpoint " + task.path();
        Set<String> baseNames = new TreeSet<>();
        base.tensors().forEach(i -> baseNames.add(i.name()));
        Set<String> taskNames = new TreeSet<>();
        task.tensors().forEach(i -> taskNames.add(i.name()));
        List<String> missing = baseNames.stream().filter(n -> !taskNames.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new FusionInputException(where + ": " + missing.size() + " tensor(s) of the base " + base.path()
                    + " are missing, e.g. " + examples(missing) + "; a task checkpoint must hold exactly the base's tensors:"
                    + " fine-tune it from this base and save it with the same tie_word_embeddings");
        }
        List<String> extra = taskNames.stream().filter(n -> !baseNames.contains(n)).toList();
        if (!extra.isEmpty()) {
            throw new FusionInputException(where + ": holds " + extra.size() + " tensor(s) the base " + base.path()
                    + " does not, e.g. " + examples(extra) + "; a task checkpoint must hold exactly the base's tensors:"
                    + " fine-tune it from this base and save it with the same tie_word_embeddings");
        }
        for (TensorInfo b : base.tensors()) {
            TensorInfo x = task.find(b.name()).orElseThrow();
            if (!x.sameShape(b)) {
                throw new FusionInputException(where + ": tensor '" + b.name() + "' has shape " + x.shapeString()
                        + " but the base's is " + b.shapeString() + "; the task must be fine-tuned from this base"
                        + " (same architecture and vocabulary)");
            }
            if (b.dtype().isFloating() && !x.dtype().isFloating()) {
                throw new FusionInputException(where + ": tensor '" + b.name() + "' is " + x.dtype() + " but " + b.dtype()
                        + " in the base; a floating tensor of the base must be floating (f32, f16, bf16, f64) in every task");
            }
        }
    }

    private static void checkMask(Checkpoint base, CoreMask m, FusionTask t) throws FusionInputException {
        String where = "mask file " + m.source();
        if (!m.task().equals(t.name())) {
            throw new FusionInputException(where + " is the core of task '" + m.task() + "' but was given for task '"
                    + t.name() + "': give task '" + t.name() + "' its own mask, or name the task '" + m.task() + "'");
        }
        for (MaskTensor mt : m.tensors()) {
            TensorInfo b = base.find(mt.name()).orElse(null);
            if (b == null) {
                throw new FusionInputException(where + " (task '" + t.name() + "'): tensor '" + mt.name()
                        + "' is not in the base " + base.path() + "; the mask was computed for another model: recompute it against this base");
            }
            if (!Arrays.equals(mt.shape(), b.shape())) {
                throw new FusionInputException(where + " (task '" + t.name() + "'): tensor '" + mt.name() + "' has shape "
                        + Arrays.toString(mt.shape()) + " in the mask but " + b.shapeString() + " in the base " + base.path()
                        + "; the mask was computed for another model: recompute it against this base");
            }
            if (!b.dtype().isFloating() && mt.cardinality() > 0) {
                throw new FusionInputException(where + " (task '" + t.name() + "'): selects elements of tensor '" + mt.name()
                        + "', which is " + b.dtype() + " in the base; only floating tensors have core elements: recompute the mask");
            }
        }
    }

    private static void verifyDigests(Checkpoint base, List<Checkpoint> checkpoints, List<CoreMask> masks, List<FusionTask> tasks)
            throws IOException {
        String baseSha = CheckpointDigest.sha256(base);
        for (int i = 0; i < tasks.size(); i++) {
            CoreMask m = masks.get(i);
            if (!m.header().baseSha256().equalsIgnoreCase(baseSha)) {
                throw new FusionInputException("mask file " + m.source() + " (task '" + tasks.get(i).name()
                        + "') was computed against a base with SHA-256 '" + m.header().baseSha256() + "', but " + base.path()
                        + " has " + baseSha + ": recompute the mask against this base, or fuse with the base it was computed from");
            }
            String taskSha = CheckpointDigest.sha256(checkpoints.get(i));
            if (!m.header().tunedSha256().equalsIgnoreCase(taskSha)) {
                throw new FusionInputException("mask file " + m.source() + " (task '" + tasks.get(i).name()
                        + "') was computed from a fine-tuned checkpoint with SHA-256 '" + m.header().tunedSha256() + "', but "
                        + checkpoints.get(i).path() + " has " + taskSha + ": give the checkpoint the mask was computed from, or recompute the mask");
            }
        }
    }

    private static String examples(List<String> names) {
        return names.subList(0, Math.min(EXAMPLES, names.size())).toString();
    }

    /** Task weights in task order. */
    double[] weights() {
        return tasks.stream().mapToDouble(FusionTask::weight).toArray();
    }

    @Override
    public void close() {
        base.close();
        checkpoints.forEach(Checkpoint::close);
    }
}
