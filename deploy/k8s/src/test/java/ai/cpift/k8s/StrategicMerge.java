package ai.cpift.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Kustomize's patch merge for the fields the overlays patch. Built-in kinds: strategic merge, where maps merge
 * recursively and the lists Kubernetes declares with a merge key (containers and env by name, volumes by name,
 * volumeMounts by mountPath, ports by containerPort) merge element by element; other lists are replaced. Custom
 * resources: JSON merge patch (RFC 7386), lists replaced, as Kustomize does for kinds it has no schema for.
 * Directives ({@code $patch}, {@code $setElementOrder}) are outside the subset and refused.
 */
final class StrategicMerge {
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name", "env", "name",
            "volumes", "name", "volumeMounts", "mountPath", "ports", "containerPort");

    private StrategicMerge() {
    }

    static void merge(ObjectNode target, ObjectNode patch, boolean jsonMergeOnly) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (field.startsWith("$")) {
                throw new IllegalArgumentException("patch directive " + field + " is outside the Kustomize subset the tests render");
            }
            JsonNode current = target.get(field);
            if (value.isNull()) {
                target.remove(field);
            } else if (value.isObject() && current instanceof ObjectNode c) {
                merge(c, (ObjectNode) value, jsonMergeOnly);
            } else if (!jsonMergeOnly && value.isArray() && current instanceof ArrayNode c && MERGE_KEYS.containsKey(field)) {
                mergeList(c, (ArrayNode) value, MERGE_KEYS.get(field), jsonMergeOnly);
            } else {
                target.set(field, value.deepCopy());
            }
        }
    }

    private static void mergeList(ArrayNode target, ArrayNode patch, String key, boolean jsonMergeOnly) {
        for (JsonNode p : patch) {
            if (!p.has(key)) {
                throw new IllegalArgumentException("a patched list element lacks its merge key '" + key + "': " + p);
            }
            ObjectNode hit = null;
            for (JsonNode t : target) {
                if (t.path(key).equals(p.get(key))) {
                    hit = (ObjectNode) t;
                }
            }
            if (hit == null) {
                target.add(p.deepCopy());
            } else {
                merge(hit, (ObjectNode) p, jsonMergeOnly);
            }
        }
    }
}
