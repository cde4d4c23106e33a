package ai.cpift.cli;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift mask}: a task's core region from its base and fine-tuned checkpoints. */
@Command(name = "mask", mixinStandardHelpOptions = true, subcommands = MaskExportCommand.class,
        description = {"Compute a task's core region: the top p %% of |θ_tuned − θ_base| over the whole model,",
                "ties to the lower global index (tensors by name, elements row-major), written as a mask file."})
public final class MaskCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--base", paramLabel = "DIR", description = "Base (pre-trained) checkpoint folder.")
    Path base;

    @Option(names = "--tuned", paramLabel = "DIR", description = "The task's fine-tuned checkpoint folder.")
    Path tuned;

    @Option(names = "--top-percent", paramLabel = "P", description = "Core size in %% of all floating-point elements (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    double topPercent;

    @Option(names = "--task", paramLabel = "NAME", description = "Task name recorded in the mask.")
    String task;

    @Option(names = "--out", paramLabel = "FILE", description = "Mask file to write.")
    Path out;

    @Option(names = "--per-tensor", description = "Take the top P %% within each tensor instead of over the whole model.")
    boolean perTensor;

    @Option(names = "--threads", description = "Scan threads (default: the number of cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        for (var o : new Object[][]{{base, "--base"}, {tuned, "--tuned"}, {task, "--task"}, {out, "--out"}}) {
            if (o[0] == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '" + o[1] + "'");
            }
        }
        if (task.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--task must not be blank");
        }
        CoreRegionParams params = CoreRegionParams.of(topPercent).withMode(perTensor ? MaskMode.PER_TENSOR : MaskMode.GLOBAL);
        if (threads != null) {
            params = params.withThreads(threads);
        }
        var err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(tuned)) {
            err.println("cpift mask: hashing checkpoints (cached after the first time)...");
            String baseSha = DigestCache.sha256(b);
            String tunedSha = DigestCache.sha256(t);
            long t1 = System.nanoTime();
            CoreRegion.Result r = CoreRegion.compute(b, t, params, task, baseSha, tunedSha, new ProgressBar(err, "mask"));
            MaskFile.write(out, r.header(), r.bitmaps());
            long t2 = System.nanoTime();
            var o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "task %s: %,d core elements of %,d (%.4g %%), threshold |Δ| = %s%n", task, r.header().selected(),
                    r.header().totalElements(), params.topPercent(), r.header().threshold());
            o.printf(Locale.ROOT, "selection %.2fs (%s), hashing %.2fs, mask written to %s%n", (t2 - t1) / 1e9,
                    r.fastPath() ? "one scan" : "radix passes", (t1 - t0) / 1e9, out);
            o.println("tensors holding most of the core:");
            r.header().tensors().stream().sorted(Comparator.comparingLong(MaskTensor::cardinality).reversed()).limit(8)
                    .forEach(x -> o.printf(Locale.ROOT, "  %-48s %,12d of %,14d (%.3f %%)%n", x.name(), x.cardinality(), x.numel(),
                            100.0 * x.cardinality() / Math.max(1, x.numel())));
        }
        return 0;
    }
}
