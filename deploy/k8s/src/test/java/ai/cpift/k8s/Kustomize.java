package ai.cpift.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The subset of Kustomize the manifests use, so the tests render overlays without a kustomize binary (none may be
 * installed here). Supported kustomization fields: {@code resources} (files, or directories holding a
 * kustomization.yaml), {@code namespace}, {@code labels} (pairs, without selectors), {@code images} (name → newName,
 * newTag), {@code patches} (only {@code path:} to strategic-merge patches, matched by kind and name) and
 * {@code replicas}. Anything else is refused, so a manifest cannot silently use a feature this renderer would
 * ignore; {@code kubectl kustomize} renders the same files identically for this subset.
 */
public final class Kustomize {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "labels", "images",
            "patches", "replicas");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet");

    private Kustomize() {
    }

    /** The objects of the kustomization in {@code dir}, transformed. */
    public static List<ObjectNode> render(Path dir) throws IOException {
        Path file = dir.resolve("kustomization.yaml");
        JsonNode k = YAML.readTree(file.toFile());
        k.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(file + ": field '" + f + "' is outside the Kustomize subset the tests render "
                        + FIELDS + "; fix: express it with those, or extend ai.cpift.k8s.Kustomize and deploy/README.md");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            objects.addAll(Files.isDirectory(p) ? render(p) : read(p));
        }
        for (JsonNode patch : k.path("patches")) {
            if (!patch.has("path") || patch.size() != 1) {
                throw new IllegalArgumentException(file + ": a patch must be {path: FILE} (a strategic-merge patch matched by kind "
                        + "and name), got " + patch);
            }
            for (ObjectNode p : read(dir.resolve(patch.get("path").asText()))) {
                ObjectNode target = find(objects, p.path("kind").asText(), p.path("metadata").path("name").asText(), file);
                StrategicMerge.merge(target, p, !builtIn(target));
            }
        }
        for (JsonNode r : k.path("replicas")) {
            ObjectNode w = objects.stream().filter(o -> WORKLOADS.contains(o.path("kind").asText())
                    && o.path("metadata").path("name").asText().equals(r.path("name").asText())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": replicas names " + r.path("name") + ", which no Deployment "
                            + "or StatefulSet has"));
            ((ObjectNode) w.get("spec")).put("replicas", r.path("count").asInt());
        }
        for (JsonNode img : k.path("images")) {
            int used = 0;
            for (ObjectNode o : objects) {
                used += retag(o, img);
            }
            if (used == 0) {
                throw new IllegalArgumentException(file + ": images names " + img.path("name") + ", which no container uses");
            }
        }
        if (k.has("namespace")) {
            objects.forEach(o -> ((ObjectNode) o.get("metadata")).put("namespace", k.get("namespace").asText()));
        }
        for (JsonNode l : k.path("labels")) {
            if (l.path("includeSelectors").asBoolean(false) || l.path("includeTemplates").asBoolean(false)) {
                throw new IllegalArgumentException(file + ": labels with includeSelectors/includeTemplates are outside the subset");
            }
            for (ObjectNode o : objects) {
                ((ObjectNode) o.get("metadata")).withObject("labels").setAll((ObjectNode) l.get("pairs"));
            }
        }
        return objects;
    }

    /** Every YAML document of a file, as objects (empty documents dropped). */
    static List<ObjectNode> read(Path file) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    if (!n.isObject() || !n.has("kind") || !n.path("metadata").has("name")) {
                        throw new IllegalArgumentException(file + ": every document must be an object with kind and metadata.name, got " + n);
                    }
                    docs.add((ObjectNode) n);
                }
            }
        }
        return docs;
    }

    static boolean builtIn(JsonNode o) {
        String api = o.path("apiVersion").asText();
        return !api.contains(".") || api.startsWith("apps/") || api.startsWith("policy/");
    }

    private static ObjectNode find(List<ObjectNode> objects, String kind, String name, Path file) {
        List<ObjectNode> hits = objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)).toList();
        if (hits.size() != 1) {
            throw new IllegalArgumentException(file + ": a patch of " + kind + " " + name + " matches " + hits.size()
                    + " objects; fix: patch an object the resources define exactly once");
        }
        return hits.getFirst();
    }

    private static int retag(ObjectNode o, JsonNode img) {
        int used = 0;
        for (String list : List.of("containers", "initContainers")) {
            JsonNode cs = o.path("spec").path("template").path("spec").path(list);
            if (cs instanceof ArrayNode a) {
                for (JsonNode c : a) {
                    String image = c.path("image").asText();
                    int colon = image.lastIndexOf(':');
                    String name = colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
                    String tag = colon > image.lastIndexOf('/') ? image.substring(colon + 1) : null;
                    if (name.equals(img.path("name").asText())) {
                        String newName = img.has("newName") ? img.get("newName").asText() : name;
                        String newTag = img.has("newTag") ? img.get("newTag").asText() : tag;
                        ((ObjectNode) c).put("image", newTag == null ? newName : newName + ":" + newTag);
                        used++;
                    }
                }
            }
        }
        return used;
    }
}
