package ai.cpift.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint's {@code trainer_state.json} holds beyond weights and moments: how far the run
 * got and what it was. The data order is a function of the seed and the step ({@link DataOrder}), so
 * the step is the whole data position.
 *
 * @param step         optimizer steps done
 * @param examplesSeen examples trained on (step × batch size)
 * @param tokensSeen   real input tokens trained on
 * @param seconds      training time so far, over every process of the run
 * @param lastLoss     the loss of the last step
 * @param lossCurve    (step, mean loss since the previous point) at every log interval
 * @param fingerprint  what must be equal for a resumed run to be the same run, see {@link Fingerprint}
 */
public record TrainerState(int step, long examplesSeen, long tokensSeen, double seconds, double lastLoss,
                           List<double[]> lossCurve, ObjectNode fingerprint) {
    public static final String FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainerState {
        lossCurve = List.copyOf(lossCurve);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", step);
        o.put("examples_seen", examplesSeen);
        o.put("tokens_seen", tokensSeen);
        o.put("seconds", seconds);
        o.put("last_loss", lastLoss);
        o.set("loss_curve", curve(lossCurve));
        o.set("fingerprint", fingerprint);
        return o;
    }

    static ArrayNode curve(List<double[]> points) {
        ArrayNode a = JSON.createArrayNode();
        points.forEach(p -> a.addArray().add((int) p[0]).add(p[1]));
        return a;
    }

    public void write(Path dir) throws IOException {
        JSON.writeValue(dir.resolve(FILE).toFile(), toJson());
    }

    public static TrainerState read(Path dir) throws IOException {
        JsonNode o = JSON.readTree(dir.resolve(FILE).toFile());
        List<double[]> curve = new ArrayList<>();
        o.path("loss_curve").forEach(p -> curve.add(new double[]{p.get(0).asDouble(), p.get(1).asDouble()}));
        if (!o.path("step").isInt() || !o.path("fingerprint").isObject()) {
            throw new IOException(dir.resolve(FILE) + ": not a trainer state this trainer wrote (no step or fingerprint); "
                    + "fix: delete the checkpoint folder or choose another --out");
        }
        return new TrainerState(o.path("step").asInt(), o.path("examples_seen").asLong(), o.path("tokens_seen").asLong(),
                o.path("seconds").asDouble(), o.path("last_loss").asDouble(), curve, (ObjectNode) o.get("fingerprint"));
    }
}
