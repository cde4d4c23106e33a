package ai.cpift.cli.data;

import ai.cpift.model.synth.SynthManifest;
import ai.cpift.model.synth.SynthOptions;
import ai.cpift.model.synth.SynthTasks;
import ai.cpift.model.synth.SynthWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code cpift data synth}: the benchmark's synthetic tasks and the generic pre-training mixture. */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write seeded synthetic instruction tasks as prompt/response JSONL:",
                "OUT/<task>/train.jsonl and eval.jsonl (no eval prompt in train), OUT/pretrain/ (a generic mixture:",
                "copy, first, last, length, double, capitals), OUT/tasks.json (sizes, seed, pairs, SHA-256).",
                "Tasks: add, reverse, count, sort_up, sort_down, shift_up, shift_down; the interfering pairs are",
                "sort_up/sort_down and shift_up/shift_down (same input, one task word apart, opposite mappings)."})
public final class DataSynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or written by an earlier run of this command (then replaced).")
    Path out;

    @Option(names = "--seed", required = true, description = "Seed; the same options give the same bytes.")
    long seed;

    @Option(names = "--train", paramLabel = "N", defaultValue = "" + SynthOptions.TRAIN,
            description = "Train examples per task. Default: ${DEFAULT-VALUE}.")
    int train;

    @Option(names = "--eval", paramLabel = "M", defaultValue = "" + SynthOptions.EVAL,
            description = "Eval examples per task and for the pre-training mixture. Default: ${DEFAULT-VALUE}.")
    int eval;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "Comma-separated tasks. Default: add,reverse,sort_up,sort_down,shift_up,shift_down.")
    List<String> tasks;

    @Option(names = "--pretrain", paramLabel = "N", defaultValue = "" + SynthOptions.PRETRAIN,
            description = "Examples of the generic pre-training mixture. Default: ${DEFAULT-VALUE}.")
    int pretrain;

    @Override
    public Integer call() throws Exception {
        SynthOptions o = new SynthOptions(seed, train, eval, pretrain,
                tasks == null ? SynthTasks.defaults() : SynthTasks.byNames(tasks));
        SynthManifest m = SynthWriter.write(out, o);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("wrote %s (seed %d): %d tasks and the pre-training mixture; %s lists the files and their SHA-256%n",
                out, seed, m.tasks().size(), out.resolve(SynthWriter.MANIFEST));
        w.printf("%-10s %7s %6s  %s%n", "task", "train", "eval", "skill");
        Stream.concat(m.tasks().stream(), Stream.of(m.pretrain())).forEach(e -> w.printf("%-10s %7d %6d  %s%n",
                e.name(), e.train().examples(), e.eval().examples(), e.skill()));
        w.printf("interfering pairs: %s%n", m.interferingPairs().isEmpty() ? "none among these tasks"
                : String.join(", ", m.interferingPairs().stream().map(p -> String.join("/", p)).toList()));
        return 0;
    }
}
