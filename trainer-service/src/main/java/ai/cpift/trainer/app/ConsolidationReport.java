package ai.cpift.trainer.app;

import ai.cpift.events.EventCodec;
import ai.cpift.events.ModelFused;
import ai.cpift.events.StageOutcome;
import ai.cpift.events.TaskCore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * {@code report.json} of a generation: what went in (settings, base, fused model, tasks and their
 * cores, groups in stage order), each stage (its tasks, sample seed, the cores it froze and the check
 * of them, its model and training figures) and the scores. Nothing in it depends on when it was written,
 * so a redelivered event stores the same bytes.
 */
final class ConsolidationReport {
    private ConsolidationReport() {
    }

    static byte[] json(ModelFused in, List<StageRun> stages, Map<String, Map<String, Double>> scores, int evalExamples,
                       int evalMaxNewTokens) throws JsonProcessingException {
        ObjectMapper json = EventCodec.mapper();
        ObjectNode o = json.createObjectNode();
        o.put("pipeline", in.meta().pipeline()).put("generation", in.generation());
        o.set("settings", json.valueToTree(in.settings()));
        o.put("base", in.base().prefix()).put("fused", in.fused().prefix());
        o.put("consolidated", stages.getLast().outcome().model().prefix());
        ArrayNode tasks = o.putArray("tasks");
        for (TaskCore t : in.tasks()) {
            tasks.addObject().put("task", t.task()).put("probe", t.probe().prefix()).put("mask", t.mask().key())
                    .put("core_elements", t.coreElements()).put("train", t.train().key())
                    .put("eval", t.eval() == null ? null : t.eval().key());
        }
        o.set("groups", json.valueToTree(in.groups()));
        o.set("order", json.valueToTree(in.order()));
        ArrayNode out = o.putArray("stages");
        long steps = 0;
        long tokens = 0;
        for (int i = 0; i < stages.size(); i++) {
            StageRun r = stages.get(i);
            StageOutcome s = r.outcome();
            ObjectNode n = out.addObject();
            n.put("stage", s.stage());
            n.set("group", json.valueToTree(s.group()));
            n.set("trained_on", json.valueToTree(s.trainedOn()));
            n.put("sample_seed", r.sampleSeed()).put("per_task", in.settings().perTask());
            n.set("frozen_cores_of", json.valueToTree(in.groups().subList(0, i).stream().flatMap(List::stream).toList()));
            n.put("frozen_elements_checked", s.frozenChecked()).put("frozen_elements_changed", s.frozenChanged());
            n.put("model", s.model().prefix());
            n.put("steps", r.training().path("steps").asLong()).put("tokens_seen", r.training().path("tokens_seen").asLong())
                    .put("final_loss", r.training().path("final_loss").asDouble()).put("seconds", r.training().path("seconds").asDouble())
                    .put("output_sha256", r.training().path("output_sha256").asText());
            steps += r.training().path("steps").asLong();
            tokens += r.training().path("tokens_seen").asLong();
        }
        o.put("total_steps", steps).put("total_tokens", tokens);
        o.putObject("eval").put("metric", "exact match (%)").put("examples_per_task", evalExamples)
                .put("max_new_tokens", evalMaxNewTokens);
        o.set("scores", json.valueToTree(scores));
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }
}
