package ai.cpift.cli;

import ai.cpift.core.fusion.CoreFusion;
import ai.cpift.core.fusion.FusionOptions;
import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.core.fusion.FusionReport;
import ai.cpift.core.fusion.FusionTask;
import ai.cpift.core.safetensors.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cpift fuse}: step 4 of CPI-FT on local folders. */
@Command(name = "fuse", mixinStandardHelpOptions = true,
        description = "Fuse task models into one (CPI-FT step 4): every element takes the SLERP merge of the task models,"
                + " except core elements, which take their task's value (where cores overlap, the task with the largest"
                + " |θi − θ0|, the first given on a tie). The order of the tasks is the SLERP order and the tie order.")
public final class FuseCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "The pre-trained model θ0 (Hugging Face folder).")
    Path base;

    @Option(names = "--task", required = true, paramLabel = "NAME=DIR,MASK",
            description = "A task: its name (as recorded in its mask), its fine-tuned model and its mask file. Repeat per task, in stage order.")
    List<String> tasks;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The fused model folder to create (must not exist, or be empty).")
    Path out;

    @Option(names = "--weight", paramLabel = "NAME=W", description = "SLERP weight of a task (positive; default 1 for every task).")
    List<String> weights = new ArrayList<>();

    @Option(names = "--dtype", paramLabel = "DTYPE", description = "Dtype of the output's floating tensors: bf16, f16, f32 or f64 (default: the base's, per tensor).")
    String dtype;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the available processors).")
    Integer threads;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", defaultValue = "5GB",
            description = "Largest output shard, e.g. 5GB, 500MB, 2GiB (default: ${DEFAULT-VALUE}).")
    String maxShardSize;

    @Option(names = "--verify-digests", description = "Check that each mask was computed from these checkpoints (SHA-256; reads all weights once more).")
    boolean verifyDigests;

    @Override
    public Integer call() throws Exception {
        List<FusionTask> list = parseTasks();
        FusionOptions o = FusionOptions.defaults()
                .withMaxShardBytes(ByteSize.parse("--max-shard-size", maxShardSize))
                .withVerifyDigests(verifyDigests);
        if (dtype != null) {
            o = o.withOutputDtype(DType.parseUserName(dtype));
        }
        if (threads != null) {
            o = o.withThreads(threads);
        }
        ProgressLine line = new ProgressLine(spec.commandLine().getErr());
        FusionReport r = CoreFusion.fuse(base, list, out, o, line);
        line.finish();
        new FusionReportPrinter(spec.commandLine().getOut()).print(r);
        return 0;
    }

    private List<FusionTask> parseTasks() {
        Map<String, FusionTask> byName = new LinkedHashMap<>();
        for (String t : tasks) {
            int eq = t.indexOf('=');
            int comma = t.lastIndexOf(',');
            if (eq <= 0 || comma < eq + 2 || comma == t.length() - 1) {
                throw new IllegalArgumentException("--task '" + t + "' must read NAME=DIR,MASK, e.g. --task math=runs/math,masks/math.mask");
            }
            String name = t.substring(0, eq);
            FusionTask task = FusionTask.of(name, Path.of(t.substring(eq + 1, comma)), Path.of(t.substring(comma + 1)));
            if (byName.put(name, task) != null) {
                throw new IllegalArgumentException("--task " + name + " is given twice: give each task once");
            }
        }
        for (String w : weights) {
            int eq = w.indexOf('=');
            String name = eq > 0 ? w.substring(0, eq) : "";
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("--weight '" + w + "' must read NAME=W for a task given with --task (tasks: "
                        + String.join(", ", byName.keySet()) + ")");
            }
            double v;
            try {
                v = Double.parseDouble(w.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--weight '" + w + "': '" + w.substring(eq + 1) + "' is not a number");
            }
            byName.put(name, byName.get(name).withWeight(v));
        }
        return List.copyOf(byName.values());
    }

    /** A terminal progress line on standard error, redrawn at most ten times a second; silent when stderr is not a terminal. */
    static final class ProgressLine implements FusionProgress {
        private final java.io.PrintWriter err;
        private final boolean terminal = System.console() != null;
        private long last;
        private boolean drawn;

        ProgressLine(java.io.PrintWriter err) {
            this.err = err;
        }

        @Override
        public void update(int tensorsDone, int tensorsTotal, long bytesDone, long bytesTotal) {
            long now = System.nanoTime();
            if (!terminal || (now - last < 100_000_000L && tensorsDone < tensorsTotal)) {
                return;
            }
            last = now;
            drawn = true;
            err.printf(java.util.Locale.ROOT, "\rfuse: %d/%d tensors, %s of %s (%.0f%%)   ", tensorsDone, tensorsTotal,
                    ByteSize.format(bytesDone), ByteSize.format(bytesTotal), bytesTotal == 0 ? 100.0 : 100.0 * bytesDone / bytesTotal);
            err.flush();
        }

        void finish() {
            if (drawn) {
                err.println();
            }
        }
    }
}
