package ai.cpift.model.pipeline;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of {@code report.json}: every model's exact match and loss per task, the settings'
 * masks, groups and frozen checks, the baselines and the forgetting of the sequential pair, the
 * training tokens of each method, seeds and versions. {@link ReportWriter} renders them.
 */
final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReport() {
    }

    static ObjectNode build(PipelineConfig cfg, RunData data, List<RunModel> models, List<ObjectNode> methods, ObjectNode baselines,
                            ModelScores scores, Path base) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("name", cfg.name()).put("seed", cfg.seed()).put("threads", cfg.threads()).put("finished_at", Instant.now().toString());
        r.set("versions", versions());
        r.set("settings", JSON.valueToTree(cfg));
        ArrayNode tasks = r.putArray("tasks");
        data.tasks().forEach(t -> tasks.add(t.name()));
        Map<String, JsonNode> byId = new HashMap<>();
        ArrayNode ms = r.putArray("models");
        for (RunModel m : models) {
            ObjectNode o = ms.addObject();
            o.put("id", m.id()).put("label", m.label()).put("kind", m.kind()).put("path", m.path().toString());
            Map<String, ModelScores.Score> s = scores.of(m.id(), m.path());
            ObjectNode em = o.putObject("exact_match");
            ObjectNode loss = o.putObject("mean_loss");
            double sum = 0;
            for (var t : data.tasks()) {
                ModelScores.Score sc = s.get(t.name());
                em.put(t.name(), sc.exactMatch());
                loss.put(t.name(), sc.meanLoss());
                sum += sc.exactMatch();
            }
            o.put("mean_exact_match", sum / data.tasks().size());
            if (!m.id().equals("base")) {
                o.put("distance_from_base", ModelDiff.relativeDistance(base, m.path()));
            }
            if (m.training() != null) {
                o.putObject("training").put("steps", m.training().path("steps").asLong())
                        .put("tokens_seen", m.training().path("tokens_seen").asLong())
                        .put("final_loss", m.training().path("final_loss").asDouble())
                        .put("seconds", m.training().path("seconds").asDouble())
                        .put("frozen_elements", m.training().path("frozen_elements").asLong())
                        .set("loss_curve", m.training().path("loss_curve"));
            }
            byId.put(m.id(), o);
        }
        ArrayNode mj = r.putArray("methods");
        for (ObjectNode m : methods) {
            // Each probe's distance from the base, computed once above with the other models'.
            for (JsonNode k : m.path("masks")) {
                JsonNode probe = byId.get(m.path("name").asText() + "/probe/" + k.path("task").asText());
                ((ObjectNode) k).put("probe_distance_from_base", probe.path("distance_from_base").asDouble());
            }
            mj.add(m);
        }
        if (baselines != null) {
            JsonNode seq = baselines.path("sequential");
            if (seq.isObject()) {
                ObjectNode f = (ObjectNode) seq;
                String a = seq.path("a").asText();
                String b = seq.path("b").asText();
                double aA = em(byId, "baselines/seq-A", a);
                double bA = em(byId, "baselines/seq-A", b);
                f.put("a_after_a", aA).put("b_after_a", bA);
                for (String v : List.of("", "-frozen")) {
                    String key = v.isEmpty() ? "plain" : "frozen";
                    double aAB = em(byId, "baselines/seq-AB" + v, a);
                    double bAB = em(byId, "baselines/seq-AB" + v, b);
                    f.putObject(key).put("a_after_ab", aAB).put("b_after_ab", bAB)
                            .put("delta_a", aAB - aA).put("delta_b", bAB - bA);
                }
            }
            r.set("baselines", baselines);
        }
        r.set("tokens", tokens(methods, baselines));
        return r;
    }

    private static double em(Map<String, JsonNode> byId, String id, String task) {
        return byId.get(id).path("exact_match").path(task).asDouble();
    }

    /** Training tokens per method, with the note the issue asks for when they differ. */
    private static ObjectNode tokens(List<ObjectNode> methods, ObjectNode baselines) {
        ObjectNode t = JSON.createObjectNode();
        for (ObjectNode m : methods) {
            t.put("cpift " + m.path("name").asText(), m.path("total_tokens").asLong());
        }
        if (baselines != null) {
            t.put("multi-task SFT", baselines.path("multitask").path("tokens").asLong());
            t.put("multi-stage SFT", baselines.path("multistage").path("tokens").asLong());
        }
        t.put("note", "steps are matched (baselines train as many steps as the first CPI-FT setting: probes plus consolidation) "
                + "with the same batch size; tokens differ by the lengths of the examples drawn, and the pre-training of the base is "
                + "shared by all methods and not counted");
        return t;
    }

    private static ObjectNode versions() {
        ObjectNode v = JSON.createObjectNode();
        String cpift = RunReport.class.getPackage().getImplementationVersion();
        v.put("cpift", cpift == null ? "development build" : cpift);
        v.put("java", Runtime.version().toString());
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", Engine.getEngine("PyTorch").getVersion());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("cores", Runtime.getRuntime().availableProcessors());
        return v;
    }
}
