package ai.cpift.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads the vocabulary of {@code tokenizer.json} (its model's vocab and its added tokens) and the
 * special-token settings of a model folder, with the precedence documented on {@link Tokenizer#load}.
 */
final class SpecialTokenResolver {
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    static final String MODEL_CONFIG = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Conventional names, looked up in tokenizer.json when no settings file names the token. */
    private static final Map<String, List<String>> CONVENTIONAL = Map.of(
            "bos", List.of("<s>", "<|begin_of_text|>", "<|startoftext|>", "<bos>"),
            "eos", List.of("</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>"),
            "pad", List.of("<pad>", "<|pad|>", "[PAD]"),
            "unk", List.of("<unk>", "[UNK]"));

    private final Path dir;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> addedIds = new HashMap<>();
    private final String modelUnk;
    private final int modelUnkId;
    private final int vocabSize;

    private SpecialTokenResolver(Path dir, JsonNode tokenizer) throws TokenizerFormatException {
        this.dir = dir;
        Path file = dir.resolve(Tokenizer.TOKENIZER_FILE);
        JsonNode model = tokenizer.path("model");
        JsonNode vocab = model.path("vocab");
        int max = -1;
        if (vocab.isObject()) {
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                max = Math.max(max, id(file, "model.vocab['" + e.getKey() + "']", e.getValue()));
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            // Unigram: a list of [piece, score]; the id is the position.
            for (int i = 0; i < vocab.size(); i++) {
                ids.putIfAbsent(vocab.get(i).path(0).asText(), i);
            }
            max = vocab.size() - 1;
        } else {
            throw new TokenizerFormatException(file, "field 'model.vocab' missing or neither an object nor a list; "
                    + "fix: write the file with Hugging Face tokenizers (tokenizer.save) or CharTokenizerWriter");
        }
        JsonNode added = tokenizer.path("added_tokens");
        for (int i = 0; i < added.size(); i++) {
            JsonNode t = added.get(i);
            int id = id(file, "added_tokens[" + i + "].id", t.get("id"));
            addedIds.put(t.path("content").asText(), id);
            max = Math.max(max, id);
        }
        this.modelUnk = model.path("unk_token").isTextual() ? model.get("unk_token").asText() : null;
        this.modelUnkId = model.path("unk_id").canConvertToInt() ? model.get("unk_id").asInt() : -1; // Unigram
        this.vocabSize = max + 1;
    }

    static SpecialTokenResolver of(Path dir, JsonNode tokenizer) throws TokenizerFormatException {
        return new SpecialTokenResolver(dir, tokenizer);
    }

    int vocabSize() {
        return vocabSize;
    }

    /** The id of a token string: an added token first, then the model's vocabulary. */
    OptionalInt idOf(String token) {
        Integer id = addedIds.get(token);
        if (id == null) {
            id = ids.get(token);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    SpecialTokens resolve() throws IOException {
        JsonNode tokenizerConfig = readIfPresent(dir.resolve(Tokenizer.CONFIG_FILE));
        JsonNode specialMap = readIfPresent(dir.resolve(SPECIAL_TOKENS_MAP));
        JsonNode modelConfig = readIfPresent(dir.resolve(MODEL_CONFIG));
        return new SpecialTokens(
                resolve("bos", tokenizerConfig, specialMap, modelConfig),
                resolve("eos", tokenizerConfig, specialMap, modelConfig),
                resolve("pad", tokenizerConfig, specialMap, modelConfig),
                resolve("unk", tokenizerConfig, specialMap, modelConfig));
    }

    private OptionalInt resolve(String kind, JsonNode tokenizerConfig, JsonNode specialMap, JsonNode modelConfig)
            throws TokenizerFormatException {
        String key = kind + "_token";
        if (tokenizerConfig != null && tokenizerConfig.has(key)) {
            return byName(dir.resolve(Tokenizer.CONFIG_FILE), key, tokenizerConfig.get(key));
        }
        if (specialMap != null && specialMap.has(key)) {
            return byName(dir.resolve(SPECIAL_TOKENS_MAP), key, specialMap.get(key));
        }
        JsonNode id = modelConfig == null ? null : modelConfig.get(key + "_id");
        if (id != null && id.isArray() && !id.isEmpty()) {
            id = id.get(0); // several eos ids (Llama 3): the first is the one appended
        }
        if (id != null && !id.isNull() && !id.isArray()) {
            int v = id(dir.resolve(MODEL_CONFIG), key + "_id", id);
            if (v >= vocabSize) {
                throw new TokenizerFormatException(dir.resolve(MODEL_CONFIG), "field '" + key + "_id' is " + v
                        + ", beyond the tokenizer's " + vocabSize + " ids; fix: give the id of the token in tokenizer.json");
            }
            return OptionalInt.of(v);
        }
        if (kind.equals("unk") && modelUnk != null && idOf(modelUnk).isPresent()) {
            return idOf(modelUnk);
        }
        if (kind.equals("unk") && modelUnkId >= 0 && modelUnkId < vocabSize) {
            return OptionalInt.of(modelUnkId);
        }
        for (String name : CONVENTIONAL.get(kind)) {
            Integer added = addedIds.get(name);
            if (added != null) {
                return OptionalInt.of(added);
            }
        }
        return OptionalInt.empty();
    }

    /** A token named by string or as {"content": ...}; null means the model has none. */
    private OptionalInt byName(Path file, String key, JsonNode value) throws TokenizerFormatException {
        if (value.isNull()) {
            return OptionalInt.empty();
        }
        JsonNode content = value.isObject() ? value.get("content") : value;
        if (content == null || !content.isTextual()) {
            throw new TokenizerFormatException(file, "field '" + key + "' must be a token string or {\"content\": ...}, found "
                    + value + "; fix: write the token's text, e.g. \"</s>\"");
        }
        OptionalInt id = idOf(content.asText());
        if (id.isEmpty()) {
            throw new TokenizerFormatException(file, "field '" + key + "' names '" + content.asText() + "', which is not in "
                    + Tokenizer.TOKENIZER_FILE + "; fix: name a token of its vocabulary or added_tokens");
        }
        return id;
    }

    private static int id(Path file, String field, JsonNode n) throws TokenizerFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
            throw new TokenizerFormatException(file, "field '" + field + "' must be a non-negative integer id, found " + n
                    + "; fix: write the token's id");
        }
        return n.asInt();
    }

    static JsonNode read(Path file) throws IOException {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new TokenizerFormatException(file, "must be a JSON object; fix: restore the file from the model's source");
            }
            return root;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw new TokenizerFormatException(file, "not valid JSON" + at + " (" + e.getOriginalMessage() + "); fix: "
                    + "restore the file from the model's source", e);
        }
    }

    private static JsonNode readIfPresent(Path file) throws IOException {
        return Files.isRegularFile(file) ? read(file) : null;
    }
}
