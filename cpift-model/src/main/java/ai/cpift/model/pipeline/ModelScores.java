package ai.cpift.model.pipeline;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.SftExample;
import ai.cpift.model.data.SftJsonlReader;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.eval.EvalResult;
import ai.cpift.model.eval.Evaluator;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every model of a run scored on every task's eval set: exact match of greedy generation and mean
 * response loss. The scores of a model are written once to their own file, keyed by the model's
 * weights digest, so a resumed run does not score a model twice and never mixes up two models.
 */
final class ModelScores {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One task's figures for one model. */
    record Score(double exactMatch, double meanLoss, int examples) {
    }

    private final List<PipelineConfig.TaskFiles> tasks;
    private final PipelineConfig cfg;
    private final Path dir;

    ModelScores(List<PipelineConfig.TaskFiles> tasks, PipelineConfig cfg, Path dir) {
        this.tasks = List.copyOf(tasks);
        this.cfg = cfg;
        this.dir = dir;
    }

    /** The scores of the model in {@code model}, as {@code id} in the report. */
    Map<String, Score> of(String id, Path model) throws IOException {
        Path file = dir.resolve(id.replace('/', '_') + ".json");
        String sha;
        try (Checkpoint c = Checkpoint.open(model)) {
            sha = CheckpointDigest.sha256(c);
        }
        if (Files.isRegularFile(file)) {
            JsonNode done = JSON.readTree(file.toFile());
            if (done.path("model_sha256").asText().equals(sha)) {
                return read(done);
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("model", id).put("path", model.toString()).put("model_sha256", sha);
        ObjectNode per = o.putObject("tasks");
        EvalParams p = new EvalParams(cfg.eval().maxNewTokens(), 32, cfg.maxLength());
        try (NDManager manager = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(model)) {
            LoadedModel loaded = ModelLoader.load(model, manager);
            Evaluator ev = new Evaluator(loaded.model(), tok, PromptTemplate.defaults(), p);
            for (PipelineConfig.TaskFiles t : tasks) {
                List<SftExample> all = SftJsonlReader.readAll(t.eval());
                List<SftExample> some = all.subList(0, Math.min(all.size(), cfg.eval().perTask()));
                EvalResult r = ev.evaluate(t.eval().toString(), CheckpointDigest.sha256(List.of(t.eval())), some, manager);
                per.putObject(t.name()).put("exact_match", r.exactMatch()).put("mean_loss", r.meanLoss()).put("examples", r.examples());
            }
        }
        Files.createDirectories(dir);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), o);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return read(o);
    }

    private static Map<String, Score> read(JsonNode o) {
        Map<String, Score> out = new LinkedHashMap<>();
        o.path("tasks").properties().forEach(e -> out.put(e.getKey(), new Score(e.getValue().path("exact_match").asDouble(),
                e.getValue().path("mean_loss").asDouble(), e.getValue().path("examples").asInt())));
        return out;
    }
}
