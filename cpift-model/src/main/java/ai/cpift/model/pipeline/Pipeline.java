package ai.cpift.model.pipeline;

import ai.cpift.model.init.CharVocabulary;
import ai.cpift.model.init.HfConfigJson;
import ai.cpift.model.init.InitOptions;
import ai.cpift.model.init.ModelInit;
import ai.cpift.model.llama.LlamaConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code cpift run}: the whole method and its baselines in one process, from a pipeline file to a
 * report. Output folder:
 * <pre>
 *   run.json                 the settings as read (a second run on the folder must have the same)
 *   data/                    generated tasks (data.synth)
 *   base/init, base/model    the random init and the pre-trained base (unless base.model is given)
 *   &lt;setting&gt;/...             each CPI-FT setting, see {@link MethodRun}
 *   baselines/...            see {@link BaselineRun} (with --baselines)
 *   scores/                  every model's scores on every task
 *   report.json, report.md, report.html
 * </pre>
 * Every stage writes its output atomically and is skipped when it is there, so a run that was
 * stopped resumes at the first missing output (and inside a training, at its last checkpoint).
 */
public final class Pipeline {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Pipeline() {
    }

    /** Runs (or resumes) the pipeline; returns the report's JSON. */
    public static ObjectNode run(PipelineConfig cfg, Path out, boolean baselines, PipelineListener listener) throws IOException {
        long started = System.nanoTime();
        checkSameRun(cfg, out, baselines);
        RunData data = RunData.prepare(cfg, out.resolve("data"), listener);
        Trainings trainings = new Trainings(cfg, listener::training);
        Path base = base(cfg, data, out.resolve("base"), trainings, listener);
        List<RunModel> models = new ArrayList<>();
        models.add(new RunModel("base", "base", "base", base, trainedBase(base)));
        List<ObjectNode> methods = new ArrayList<>();
        for (PipelineConfig.Method m : cfg.methods()) {
            methods.add(new MethodRun(cfg, m, data.tasks(), base, out, trainings, listener).run(models));
        }
        ObjectNode baselineJson = null;
        if (baselines) {
            List<String> pair = cfg.baselines().pair().isEmpty() ? data.defaultPair() : cfg.baselines().pair();
            baselineJson = new BaselineRun(cfg, data.tasks(), base, out, trainings, listener)
                    .run(methods.getFirst().path("total_steps").asLong(), pair, models);
        }
        listener.stage("[report] scoring " + models.size() + " models on " + data.tasks().size() + " tasks");
        ModelScores scores = new ModelScores(data.tasks(), cfg, out.resolve("scores"));
        ObjectNode report = RunReport.build(cfg, data, models, methods, baselineJson, scores, base);
        report.put("seconds", (System.nanoTime() - started) / 1e9);
        JSON.writeValue(out.resolve("report.json").toFile(), report);
        ReportWriter.write(report, out);
        listener.stage("[report] wrote " + out.resolve("report.md") + " and report.html");
        return report;
    }

    /**
     * Only the run's inputs: the task datasets (made when {@code data.synth} asks) and the base model
     * (pre-trained when {@code base.init} asks), under {@code out/data} and {@code out/base}; each is
     * skipped when already there. What {@code cpift demo} submits to the services.
     */
    public static Prepared prepare(PipelineConfig cfg, Path out, PipelineListener listener) throws IOException {
        RunData data = RunData.prepare(cfg, out.resolve("data"), listener);
        Path base = base(cfg, data, out.resolve("base"), new Trainings(cfg, listener::training), listener);
        return new Prepared(data.tasks(), base);
    }

    /** A run's inputs: the tasks' dataset files and the base model folder. */
    public record Prepared(List<PipelineConfig.TaskFiles> tasks, Path base) {
        public Prepared {
            tasks = List.copyOf(tasks);
        }
    }

    /** The base model: given, or a random init pre-trained on the generic mixture. */
    private static Path base(PipelineConfig cfg, RunData data, Path dir, Trainings trainings, PipelineListener listener)
            throws IOException {
        if (cfg.base().model() != null) {
            return cfg.base().model();
        }
        PipelineConfig.Init i = cfg.base().init();
        Path init = dir.resolve("init");
        if (!Files.isDirectory(init)) {
            listener.stage(String.format(Locale.ROOT, "[base] random init: %d layers, hidden %d, %d heads (%d kv), intermediate %d",
                    i.layers(), i.hidden(), i.heads(), i.kvHeads(), i.intermediate()));
            CharVocabulary vocab = CharVocabulary.of(CharVocabulary.DEFAULT_CHARS);
            LlamaConfig arch = new LlamaConfig("llama", i.hidden(), i.layers(), i.heads(), i.kvHeads(), i.hidden() / i.heads(),
                    i.intermediate(), vocab.size(), 1e-5, HfConfigJson.defaultRopeTheta("llama"), false, false, false, 0);
            ModelInit.write(init, arch, vocab, new InitOptions(InitOptions.DEFAULTS.dtype(), 512, cfg.seed(), 0.02, false));
        }
        if (data.pretrain() == null) {
            throw new IllegalArgumentException("base.init needs a pre-training mixture: data.synth makes one, or give data.pretrain "
                    + "(a JSONL file); or give base.model, a pre-trained model folder");
        }
        Path model = dir.resolve("model");
        listener.stage(String.format(Locale.ROOT, "[base] pre-training on the generic mixture %s, %d steps", data.pretrain(),
                cfg.base().pretrain().steps()));
        trainings.train("pre-train", init, List.of(data.pretrain()), List.of(), model,
                cfg.base().pretrain(), cfg.seed());
        return model;
    }

    private static ObjectNode trainedBase(Path base) throws IOException {
        Path summary = base.resolve("training.json");
        return Files.isRegularFile(summary) ? (ObjectNode) JSON.readTree(summary.toFile()) : null;
    }

    /** Refuses a folder that holds another run's outputs; records this run's settings in a new one. */
    private static void checkSameRun(PipelineConfig cfg, Path out, boolean baselines) throws IOException {
        // Through text and back, so that numbers compare as the file will hold them (a long 5 reads back as an int 5).
        var settings = JSON.readTree(JSON.writeValueAsString(cfg));
        Path file = out.resolve("run.json");
        if (Files.isRegularFile(file)) {
            var recorded = JSON.readTree(file.toFile()).path("settings");
            if (!recorded.equals(settings)) {
                throw new IllegalArgumentException(out + " holds a run with other settings (" + file + "); fix: choose another --out, "
                        + "or run with the pipeline file that made it");
            }
            return;
        }
        if (Files.exists(out)) {
            boolean empty;
            try (var entries = Files.list(out)) {
                empty = entries.findAny().isEmpty();
            } catch (java.nio.file.NotDirectoryException e) {
                empty = false;
            }
            if (!empty) {
                throw new IllegalArgumentException(out + " exists and holds no pipeline run; fix: choose another --out or remove it");
            }
        }
        Files.createDirectories(out);
        ObjectNode o = JSON.createObjectNode();
        o.set("settings", settings);
        o.put("baselines_requested", baselines);
        JSON.writeValue(file.toFile(), o);
    }
}
