package ai.cpift.core.checkpoint;

import ai.cpift.core.safetensors.SafetensorsFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code model.safetensors.index.json}: which shard file holds which tensor.
 *
 * @param totalSize the sum of all tensors' byte lengths ({@code metadata.total_size})
 * @param weightMap tensor name to shard file name, sorted by tensor name
 */
public record ShardIndex(long totalSize, Map<String, String> weightMap) {
    public static final String FILE_NAME = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ShardIndex {
        weightMap = java.util.Collections.unmodifiableMap(new TreeMap<>(weightMap));
    }

    public static ShardIndex read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SafetensorsFormatException(file, "not valid JSON (" + e.getOriginalMessage() + "); re-export the checkpoint");
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new SafetensorsFormatException(file, "field 'weight_map' missing or not an object of tensor name to shard file");
        }
        Map<String, String> weights = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            String shard = e.getValue().asText("");
            if (!e.getValue().isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new SafetensorsFormatException(file, "weight_map entry '" + e.getKey()
                        + "' must name a shard file in the same folder, found " + e.getValue());
            }
            weights.put(e.getKey(), shard);
        }
        JsonNode total = root.path("metadata").path("total_size");
        return new ShardIndex(total.canConvertToLong() ? total.asLong() : -1, weights);
    }

    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.write(file, JSON.writeValueAsBytes(root));
    }
}
