package ai.cpift.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The identity of a run: every hyper-parameter that changes the weights, and the SHA-256 of the
 * model, of each dataset and of each mask. A checkpoint or a finished output is only taken up by a
 * run with the same fingerprint; paths, the log and checkpoint intervals and the thread count are
 * left out (moving files or watching more often does not change the run).
 */
final class Fingerprint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fingerprint() {
    }

    static ObjectNode of(TrainParams p, String modelSha, List<String> dataShas, List<String> maskShas, String saveDtype) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode params = paramsJson(p);
        params.remove(List.of("log_every", "checkpoint_every", "threads"));
        o.set("params", params);
        o.put("model_sha256", modelSha);
        dataShas.forEach(o.putArray("data_sha256")::add);
        maskShas.forEach(o.putArray("freeze_sha256")::add);
        o.put("save_dtype", saveDtype);
        return o;
    }

    /** Every hyper-parameter, under snake_case names. */
    static ObjectNode paramsJson(TrainParams p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("steps", p.steps()).put("batch_size", p.batchSize()).put("accumulate", p.accumulate()).put("lr", p.lr())
                .put("warmup_steps", p.warmupSteps()).put("min_lr_ratio", p.minLrRatio()).put("beta1", p.beta1())
                .put("beta2", p.beta2()).put("eps", p.eps()).put("weight_decay", p.weightDecay()).put("clip_norm", p.clipNorm())
                .put("max_length", p.maxLength()).put("seed", p.seed()).put("log_every", p.logEvery())
                .put("checkpoint_every", p.checkpointEvery()).put("threads", p.threads());
        return o;
    }

    /** The fields that differ, as "name: theirs -> ours", empty when equal. */
    static List<String> differences(JsonNode recorded, JsonNode current) {
        List<String> out = new ArrayList<>();
        diff("", recorded, current, out);
        return out;
    }

    private static void diff(String prefix, JsonNode a, JsonNode b, List<String> out) {
        if (a.isObject() && b.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                String n = it.next().getKey();
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
            for (String n : names) {
                diff(prefix.isEmpty() ? n : prefix + "." + n, a.path(n), b.path(n), out);
            }
        } else if (!(a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b))) {
            out.add(prefix + ": " + (a.isMissingNode() ? "(none)" : a) + " -> " + (b.isMissingNode() ? "(none)" : b));
        }
    }
}
