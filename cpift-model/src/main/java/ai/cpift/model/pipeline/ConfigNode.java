package ai.cpift.model.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a pipeline file with its place in it, so that every error names the file, the key
 * and the fix. Unknown keys are errors: a misspelt hyper-parameter must not fall back silently
 * to its default.
 */
final class ConfigNode {
    private final Path file;
    private final String where;
    private final JsonNode node;

    ConfigNode(Path file, String where, JsonNode node) {
        this.file = file;
        this.where = where;
        this.node = node;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    boolean isList(String key) {
        return node.path(key).isArray();
    }

    ConfigNode child(String key) {
        JsonNode c = node.path(key);
        if (!c.isMissingNode() && !c.isNull() && !c.isObject()) {
            throw error(key, "must be a mapping of keys");
        }
        return new ConfigNode(file, at(key), c.isObject() ? c : com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    List<ConfigNode> list(String key) {
        JsonNode c = node.path(key);
        if (c.isMissingNode() || c.isNull()) {
            return List.of();
        }
        if (!c.isArray()) {
            throw error(key, "must be a list");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (!c.get(i).isObject()) {
                throw error(key + "[" + i + "]", "must be a mapping of keys");
            }
            out.add(new ConfigNode(file, at(key) + "[" + i + "]", c.get(i)));
        }
        return out;
    }

    List<String> strings(String key) {
        JsonNode c = node.path(key);
        if (c.isMissingNode() || c.isNull()) {
            return List.of();
        }
        if (!c.isArray()) {
            throw error(key, "must be a list of names, e.g. [a, b]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : c) {
            if (!x.isTextual() || x.asText().isBlank()) {
                throw error(key, "must hold names only, found " + x);
            }
            out.add(x.asText());
        }
        return out;
    }

    int integer(String key, int fallback, int min) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(key, "must be a whole number, found '" + v.asText() + "'");
        }
        if (v.intValue() < min) {
            throw error(key, "must be at least " + min + ", found " + v.intValue());
        }
        return v.intValue();
    }

    long longValue(String key, long fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber()) {
            throw error(key, "must be a whole number, found '" + v.asText() + "'");
        }
        return v.longValue();
    }

    double number(String key, double fallback, double min, double max) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else {
            try {
                d = Double.parseDouble(v.asText()); // YAML 1.1 readers take 1e-3 as a string
            } catch (NumberFormatException e) {
                throw error(key, "must be a number, found '" + v.asText() + "'");
            }
        }
        if (!(d >= min && d <= max)) {
            throw error(key, "must lie in [" + min + ", " + max + "], found " + d);
        }
        return d;
    }

    String text(String key, String fallback, Set<String> allowed) {
        if (!has(key)) {
            return fallback;
        }
        String v = node.get(key).asText();
        if (!allowed.isEmpty() && !allowed.contains(v)) {
            throw error(key, "must be one of " + new TreeSet<>(allowed) + ", found '" + v + "'");
        }
        return v;
    }

    /** A path, relative to the pipeline file's folder unless absolute. */
    Path path(String key) {
        if (!has(key)) {
            return null;
        }
        Path p = Path.of(node.get(key).asText());
        Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    /** Fails on any key not in {@code known}. */
    ConfigNode allowOnly(String... known) {
        Set<String> k = new TreeSet<>(List.of(known));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!k.contains(f)) {
                throw error(f, "is not a known key here; known: " + k);
            }
        }
        return this;
    }

    IllegalArgumentException error(String key, String what) {
        return new IllegalArgumentException("pipeline file " + file + ": '" + at(key) + "' " + what);
    }

    private String at(String key) {
        return where.isEmpty() ? key : where + "." + key;
    }
}
