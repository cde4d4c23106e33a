package ai.cpift.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One overlay rendered, with look-ups by kind and name. */
record Rendered(String overlay, List<ObjectNode> objects) {
    static final Path K8S = CodeFacts.ROOT.resolve("deploy/k8s");
    static final List<String> OVERLAYS = List.of("dev", "prod");
    /** Deployment name → service module. */
    static final Map<String, String> STAGES = stages();

    static Rendered of(String overlay) {
        try {
            return new Rendered(overlay, Kustomize.render(K8S.resolve("overlays").resolve(overlay)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Rendered> all() {
        return OVERLAYS.stream().map(Rendered::of).toList();
    }

    List<ObjectNode> kind(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    ObjectNode get(String kind, String name) {
        return kind(kind).stream().filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    /** The first container of a Deployment's pod template. */
    JsonNode container(String deployment) {
        return get("Deployment", deployment).path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** Every environment variable of a container: envFrom ConfigMaps first, then env (which wins), as the kubelet does. */
    Map<String, JsonNode> env(String deployment) {
        JsonNode c = container(deployment);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode from : c.path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText(null);
            if (cm == null) {
                throw new AssertionError(overlay + "/" + deployment + ": envFrom other than configMapRef: " + from);
            }
            get("ConfigMap", cm).path("data").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        }
        for (JsonNode e : c.path("env")) {
            out.put(e.path("name").asText(), e.has("value") ? e.get("value") : e.get("valueFrom"));
        }
        return out;
    }

    private static Map<String, String> stages() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : List.of("trainer", "mask", "cluster", "fusion")) {
            m.put(s, s + "-service");
        }
        return m;
    }
}
