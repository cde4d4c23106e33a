package ai.cpift.cli.submit;

import ai.cpift.events.Names;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One {@code --task NAME=TRAIN.jsonl[,EVAL.jsonl]}: a task name, its training data and optional evaluation data. */
record TaskSpec(String name, Path train, Path eval) {

    static TaskSpec parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq == arg.length() - 1) {
            throw new IllegalArgumentException("--task '" + arg + "' is not NAME=TRAIN.jsonl[,EVAL.jsonl]; fix: e.g. --task "
                    + "add=data/add-train.jsonl,data/add-eval.jsonl");
        }
        String name = arg.substring(0, eq);
        try {
            Names.requireTask(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--task " + arg + ": " + e.getMessage(), e);
        }
        String[] files = arg.substring(eq + 1).split(",", -1);
        if (files.length > 2 || files[0].isBlank() || (files.length == 2 && files[1].isBlank())) {
            throw new IllegalArgumentException("--task " + arg + ": give one training file and at most one evaluation file, "
                    + "separated by a comma, e.g. " + name + "=train.jsonl,eval.jsonl");
        }
        return new TaskSpec(name, Path.of(files[0]), files.length == 2 ? Path.of(files[1]) : null);
    }

    /** Every {@code --task}, each name once. */
    static List<TaskSpec> parseAll(List<String> args) {
        List<TaskSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String a : args) {
            TaskSpec t = parse(a);
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("--task " + t.name() + " is given twice; fix: give each task once");
            }
            out.add(t);
        }
        return out;
    }
}
