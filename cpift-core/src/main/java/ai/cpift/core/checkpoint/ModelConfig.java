package ai.cpift.core.checkpoint;

import ai.cpift.core.safetensors.SafetensorsFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The architecture keys of a Hugging Face {@code config.json} for the Llama family (Llama,
 * Qwen2, Mistral), with the whole original JSON kept so that writing it back changes nothing
 * but what was asked.
 *
 * @param modelType          {@code model_type}: llama, qwen2 or mistral (others are read but not modelled)
 * @param hiddenSize         {@code hidden_size}
 * @param layers             {@code num_hidden_layers}
 * @param heads              {@code num_attention_heads}
 * @param kvHeads            {@code num_key_value_heads} (defaults to heads: plain multi-head attention)
 * @param intermediateSize   {@code intermediate_size}
 * @param vocabSize          {@code vocab_size}
 * @param headDim            {@code head_dim} (defaults to hidden / heads)
 * @param rmsNormEps         {@code rms_norm_eps}
 * @param ropeTheta          {@code rope_theta} (10000 when absent, the Llama default)
 * @param maxPositions       {@code max_position_embeddings}
 * @param tieWordEmbeddings  {@code tie_word_embeddings} (false when absent, as for Llama)
 * @param attentionBias      q/k/v projections have biases: Qwen2 always, Llama when {@code attention_bias}
 * @param slidingWindow      Mistral's {@code sliding_window} when in use, else 0
 * @param torchDtype         {@code torch_dtype} as written, may be empty
 * @param raw                the complete JSON
 */
public record ModelConfig(String modelType, int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize,
                          int vocabSize, int headDim, double rmsNormEps, double ropeTheta, int maxPositions,
                          boolean tieWordEmbeddings, boolean attentionBias, int slidingWindow, String torchDtype,
                          ObjectNode raw) {
    public static final String FILE_NAME = "config.json";
    public static final List<String> SUPPORTED_TYPES = List.of("llama", "qwen2", "mistral");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static ModelConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SafetensorsFormatException(file, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(root instanceof ObjectNode o)) {
            throw new SafetensorsFormatException(file, "must be a JSON object");
        }
        return fromJson(file, o);
    }

    public static ModelConfig fromJson(Path file, ObjectNode o) throws SafetensorsFormatException {
        String type = o.path("model_type").asText("");
        int hidden = intField(file, o, "hidden_size", 0);
        int heads = intField(file, o, "num_attention_heads", 0);
        int headDim = intField(file, o, "head_dim", heads > 0 ? hidden / heads : 0);
        boolean qwen = type.equals("qwen2");
        boolean useSliding = !o.has("use_sliding_window") || o.get("use_sliding_window").asBoolean();
        return new ModelConfig(type, hidden,
                intField(file, o, "num_hidden_layers", 0), heads,
                intField(file, o, "num_key_value_heads", heads),
                intField(file, o, "intermediate_size", 0),
                intField(file, o, "vocab_size", 0), headDim,
                o.path("rms_norm_eps").asDouble(1e-6),
                o.path("rope_theta").asDouble(10000.0),
                intField(file, o, "max_position_embeddings", 2048),
                o.path("tie_word_embeddings").asBoolean(false),
                qwen || o.path("attention_bias").asBoolean(false),
                useSliding && o.path("sliding_window").canConvertToInt() ? o.path("sliding_window").asInt() : 0,
                o.path("torch_dtype").asText(o.path("dtype").asText("")),
                o.deepCopy());
    }

    private static int intField(Path file, ObjectNode o, String key, int dflt) throws SafetensorsFormatException {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
            throw new SafetensorsFormatException(file, "field '" + key + "' must be a non-negative integer, found " + n);
        }
        return n.asInt();
    }

    /** True when this platform's decoder models the architecture. */
    public boolean supported() {
        return SUPPORTED_TYPES.contains(modelType);
    }

    /** Element type of the checkpoint as configured, if recognisable. */
    public Optional<ai.cpift.core.safetensors.DType> dtype() {
        try {
            return torchDtype.isEmpty() ? Optional.empty() : Optional.of(ai.cpift.core.safetensors.DType.parseUserName(torchDtype));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A copy of the JSON with {@code torch_dtype} set. */
    public ObjectNode withTorchDtype(String dtype) {
        ObjectNode copy = raw.deepCopy();
        copy.put("torch_dtype", dtype);
        return copy;
    }

    public static void write(ObjectNode json, Path file) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(json));
    }
}
