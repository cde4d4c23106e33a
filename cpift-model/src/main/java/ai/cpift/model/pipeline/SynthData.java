package ai.cpift.model.pipeline;

import ai.cpift.model.synth.SynthManifest;
import ai.cpift.model.synth.SynthOptions;
import ai.cpift.model.synth.SynthTasks;
import ai.cpift.model.synth.SynthWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code data.synth}: the built-in benchmark tasks ({@code cpift data synth}), generated with the
 * run's seed into the run's data folder once; a resumed run finds them there and reuses them.
 */
final class SynthData {
    private SynthData() {
    }

    static RunData prepare(PipelineConfig cfg, Path dir, PipelineListener listener) throws IOException {
        PipelineConfig.Synth s = cfg.data().synth();
        List<String> names = s.tasks().isEmpty() ? SynthTasks.defaults().stream().map(t -> t.name()).toList() : s.tasks();
        if (!Files.isRegularFile(dir.resolve(SynthWriter.MANIFEST))) {
            listener.stage(String.format(Locale.ROOT, "[data] generating %d tasks %s (%d train, %d eval each) and a %d-example "
                    + "pre-training mixture, seed %d", names.size(), names, s.train(), s.eval(), s.pretrain(), cfg.seed()));
            SynthWriter.write(dir, new SynthOptions(cfg.seed(), s.train(), s.eval(), s.pretrain(), SynthTasks.byNames(names)));
        }
        List<PipelineConfig.TaskFiles> tasks = names.stream()
                .map(n -> new PipelineConfig.TaskFiles(n, dir.resolve(n).resolve(SynthWriter.TRAIN), dir.resolve(n).resolve(SynthWriter.EVAL)))
                .toList();
        List<List<String>> pairs = SynthTasks.interferingPairs().stream().filter(names::containsAll).toList();
        return new RunData(tasks, dir.resolve("pretrain").resolve(SynthWriter.TRAIN),
                pairs.isEmpty() ? List.of(names.get(0), names.get(1)) : pairs.getFirst());
    }
}
