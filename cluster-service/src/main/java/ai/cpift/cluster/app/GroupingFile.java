package ai.cpift.cluster.app;

import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.events.EventCodec;
import ai.cpift.events.MaskComputed;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code groups.json}: the offline pipeline's fields ({@code tasks}, {@code jaccard}, {@code groups},
 * {@code order}) plus what the grouping was computed from (τ, stage order, seed, each task's mask key
 * and SHA-256), so a redelivered input finds the stored result, sees it answers the same question,
 * and reuses it instead of downloading the masks again.
 */
public final class GroupingFile {
    private static final ObjectMapper JSON = EventCodec.mapper();

    private GroupingFile() {
    }

    public static byte[] write(GroupingResult r, List<MaskComputed> masks) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.set("tasks", JSON.valueToTree(r.tasks()));
        o.set("jaccard", JSON.valueToTree(r.jaccard()));
        o.set("groups", JSON.valueToTree(r.groups()));
        o.set("order", JSON.valueToTree(r.order()));
        o.put("tau", r.tau());
        o.put("stage_order", r.strategy());
        o.put("seed", r.seed());
        ArrayNode ms = o.putArray("masks");
        for (MaskComputed m : masks) {
            ms.addObject().put("task", m.task()).put("key", m.mask().key()).put("sha256", m.mask().sha256())
                    .put("mask_event", m.meta().id());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }

    /**
     * The stored grouping if {@code json} was computed from exactly these masks (task, key, SHA-256, in
     * order) with these parameters; empty when it answers another question (or is not a grouping file).
     */
    public static Optional<GroupingResult> readIfSame(byte[] json, List<MaskComputed> masks, GroupingParams params) {
        try {
            JsonNode o = JSON.readTree(json);
            JsonNode ms = o.path("masks");
            if (!ms.isArray() || ms.size() != masks.size() || o.path("tau").asDouble(Double.NaN) != params.tau()
                    || !params.order().equals(o.path("stage_order").asText()) || o.path("seed").asLong() != params.seed()) {
                return Optional.empty();
            }
            for (int i = 0; i < masks.size(); i++) {
                MaskComputed m = masks.get(i);
                JsonNode s = ms.get(i);
                if (!m.task().equals(s.path("task").asText()) || !m.mask().key().equals(s.path("key").asText())
                        || !m.mask().sha256().equals(s.path("sha256").asText())) {
                    return Optional.empty();
                }
            }
            List<String> tasks = JSON.convertValue(o.get("tasks"), new TypeReference<>() { });
            double[][] jaccard = JSON.convertValue(o.get("jaccard"), double[][].class);
            List<List<String>> groups = JSON.convertValue(o.get("groups"), new TypeReference<>() { });
            List<String> order = JSON.convertValue(o.get("order"), new TypeReference<>() { });
            return Optional.of(new GroupingResult(tasks, jaccard, groups, order, params.tau(), params.seed(), params.order()));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
