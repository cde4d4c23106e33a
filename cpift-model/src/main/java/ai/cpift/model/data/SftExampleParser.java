package ai.cpift.model.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the JSON object of one line into an {@link SftExample}. The shape is told by its
 * distinguishing field: {@code messages} (chat), {@code instruction} (Alpaca) or {@code prompt};
 * other fields (an id, a category) are ignored, two distinguishing fields are an error.
 */
final class SftExampleParser {
    static final String SHAPE_LIST = "{\"prompt\": ..., \"response\": ...}, {\"instruction\": ..., \"input\": ..., "
            + "\"output\": ...} or {\"messages\": [{\"role\": ..., \"content\": ...}, ...]}";
    static final String SHAPES = "write " + SHAPE_LIST;
    private static final List<String> KEYS = List.of("messages", "instruction", "prompt");

    private SftExampleParser() {
    }

    static SftExample parse(JsonNode o, ExampleOrigin at) throws DatasetFormatException {
        List<String> found = KEYS.stream().filter(o::has).toList();
        if (found.size() > 1) {
            throw DatasetFormatException.line(at, "has both '" + found.get(0) + "' and '" + found.get(1)
                    + "', so its shape is ambiguous", "keep the fields of one shape: " + SHAPE_LIST);
        }
        if (found.isEmpty()) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(n -> names.add("'" + n + "'"));
            throw DatasetFormatException.line(at, "is none of the three SFT shapes (fields found: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)) + ")", SHAPES);
        }
        return switch (found.getFirst()) {
            case "messages" -> chat(o, at);
            case "instruction" -> new AlpacaExample(at, prompt(o, at, "instruction"), optional(o, at, "input"),
                    response(o, at, "output"));
            default -> new PromptResponseExample(at, prompt(o, at, "prompt"), response(o, at, "response"));
        };
    }

    private static ChatExample chat(JsonNode o, ExampleOrigin at) throws DatasetFormatException {
        JsonNode messages = o.get("messages");
        if (!messages.isArray()) {
            throw DatasetFormatException.field(at, "messages", "must be a list of {\"role\", \"content\"} objects, found "
                    + kind(messages), "write \"messages\": [{\"role\": \"user\", \"content\": ...}, {\"role\": \"assistant\", "
                    + "\"content\": ...}]");
        }
        List<ChatMessage> all = new ArrayList<>();
        int lastAssistant = -1;
        for (int i = 0; i < messages.size(); i++) {
            String field = "messages[" + i + "]";
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                throw DatasetFormatException.field(at, field, "must be a {\"role\", \"content\"} object, found " + kind(m),
                        "write {\"role\": \"user\", \"content\": ...}");
            }
            String roleName = string(m, at, "role", field + ".role");
            ChatRole role = ChatRole.fromJson(roleName);
            if (role == null) {
                throw DatasetFormatException.field(at, field + ".role", "is '" + roleName + "', not a role this trainer "
                        + "knows", "use system, user or assistant");
            }
            all.add(new ChatMessage(role, string(m, at, "content", field + ".content")));
            if (role == ChatRole.ASSISTANT) {
                lastAssistant = i;
            }
        }
        if (lastAssistant < 0) {
            throw DatasetFormatException.field(at, "messages", "has no assistant message, so there is no response to "
                    + "train on", "end the conversation with {\"role\": \"assistant\", \"content\": ...}");
        }
        if (lastAssistant < all.size() - 1) {
            int after = lastAssistant + 1;
            throw DatasetFormatException.field(at, "messages[" + after + "]", "is a " + all.get(after).role().jsonName()
                    + " message after the last assistant message, with no response to train on",
                    "end the conversation with the assistant's answer, or remove the trailing messages");
        }
        String response = all.get(lastAssistant).content();
        if (response.isBlank()) {
            throw DatasetFormatException.field(at, "messages[" + lastAssistant + "].content", "is empty: the last assistant "
                    + "message is the response and there is nothing to train on", "write the response, or remove the line");
        }
        return new ChatExample(at, all.subList(0, lastAssistant), response);
    }

    private static String prompt(JsonNode o, ExampleOrigin at, String key) throws DatasetFormatException {
        String s = string(o, at, key, key);
        if (s.isBlank()) {
            throw DatasetFormatException.field(at, key, "is empty: a response with no prompt teaches nothing about the task",
                    "write the " + key + ", or remove the line");
        }
        return s;
    }

    private static String response(JsonNode o, ExampleOrigin at, String key) throws DatasetFormatException {
        String s = string(o, at, key, key);
        if (s.isBlank()) {
            throw DatasetFormatException.field(at, key, "is empty: the response is what the loss is taken on and there is "
                    + "nothing to train on", "write the response, or remove the line");
        }
        return s;
    }

    /** A string that may be absent, null or empty (Alpaca's input): "" then. */
    private static String optional(JsonNode o, ExampleOrigin at, String key) throws DatasetFormatException {
        JsonNode n = o.get(key);
        return n == null || n.isNull() ? "" : string(o, at, key, key);
    }

    private static String string(JsonNode o, ExampleOrigin at, String name, String field) throws DatasetFormatException {
        JsonNode n = o.get(name);
        if (n == null) {
            throw DatasetFormatException.field(at, field, "missing", "add \"" + name + "\": \"...\"");
        }
        if (!n.isTextual()) {
            throw DatasetFormatException.field(at, field, "must be a string, found " + kind(n),
                    "write it as a JSON string: \"" + name + "\": \"...\"");
        }
        return n.asText();
    }

    /** How a JSON value is described in a message: its kind and, when short, itself. */
    static String kind(JsonNode n) {
        String kind = switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        String text = n.toString();
        return n.isNull() || text.length() > 40 ? kind : kind + " (" + text + ")";
    }
}
