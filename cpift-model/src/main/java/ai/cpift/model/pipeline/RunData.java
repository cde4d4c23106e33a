package ai.cpift.model.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tasks of a run: generated into {@code out/data} ({@code data.synth}, once) or the user's files.
 *
 * @param tasks       each task's train and eval JSONL, in the order the report lists them
 * @param pretrain    the generic pre-training mixture, or null
 * @param defaultPair the sequential baseline's pair when the pipeline file names none: the first
 *                    pair built to interfere, or the first two tasks
 */
record RunData(List<PipelineConfig.TaskFiles> tasks, Path pretrain, List<String> defaultPair) {

    static RunData prepare(PipelineConfig cfg, Path dir, PipelineListener listener) throws IOException {
        if (cfg.data().synth() != null) {
            return SynthData.prepare(cfg, dir, listener);
        }
        List<PipelineConfig.TaskFiles> tasks = cfg.data().tasks();
        Set<String> names = new HashSet<>();
        for (PipelineConfig.TaskFiles t : tasks) {
            if (!t.name().matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("task name '" + t.name() + "' may hold letters, digits, '_', '.' and '-' only: it names "
                        + "folders and files of the run; fix: rename it in data.tasks");
            }
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("task '" + t.name() + "' is listed twice in data.tasks; fix: give each task once");
            }
            for (Path p : List.of(t.train(), t.eval())) {
                if (!Files.isRegularFile(p)) {
                    throw new NoSuchFileException(p.toString(), null, "dataset of task '" + t.name() + "' not found; fix: the path in data.tasks "
                            + "(relative paths are read from the pipeline file's folder)");
                }
            }
        }
        Path pretrain = cfg.data().pretrain();
        if (pretrain != null && !Files.isRegularFile(pretrain)) {
            throw new NoSuchFileException(pretrain.toString(), null, "data.pretrain not found");
        }
        if (tasks.size() < 2) {
            throw new IllegalArgumentException("data.tasks lists " + tasks.size() + " task(s); CPI-FT needs at least two");
        }
        return new RunData(tasks, pretrain, List.of(tasks.get(0).name(), tasks.get(1).name()));
    }
}
