package ai.cpift.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one rendered object. Built-in kinds are bound to the fabric8 Kubernetes model (the API's own types: a
 * string where an int belongs fails), and any field the model does not know, which fabric8 would keep silently in
 * additionalProperties, is an error. Custom resources (Strimzi, KEDA) are checked against JSON schemas kept beside
 * the tests (src/test/resources/schemas): the operators publish their CRDs only in their Helm charts and release
 * YAML, not on Maven Central, so these schemas are minimal hand-written ones of the fields the manifests use,
 * following the CRDs' field names and types, with additionalProperties false so a misspelt field fails.
 */
final class ObjectValidator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Map<String, Class<?>> BUILT_IN = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
    private static final Set<String> CUSTOM = Set.of("kafka.strimzi.io/v1beta2/Kafka", "kafka.strimzi.io/v1beta2/KafkaNodePool",
            "kafka.strimzi.io/v1beta2/KafkaTopic", "keda.sh/v1alpha1/ScaledObject");

    private ObjectValidator() {
    }

    /** The problems of {@code o}, each naming the object and the field; empty when valid. */
    static List<String> problems(JsonNode o) {
        String type = o.path("apiVersion").asText() + "/" + o.path("kind").asText();
        String name = type + " " + o.path("metadata").path("name").asText();
        List<String> out = new ArrayList<>();
        if (BUILT_IN.containsKey(type)) {
            try {
                Object typed = JSON.treeToValue(o, BUILT_IN.get(type));
                unknownFields(typed, name, out);
            } catch (IOException e) {
                out.add(name + ": does not bind to the Kubernetes model: " + e.getMessage());
            }
        } else if (CUSTOM.contains(type)) {
            for (ValidationMessage m : schema(type).validate(o)) {
                out.add(name + ": " + m.getMessage());
            }
        } else {
            out.add(name + ": a kind the tests cannot validate; fix: add its model class or schema to ObjectValidator");
        }
        return out;
    }

    private static JsonSchema schema(String type) {
        String file = "/schemas/" + type.replace('/', '_') + ".json";
        try (InputStream in = ObjectValidator.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("schema " + file + " is missing");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every fabric8 object in the graph must hold its fields in typed properties, none in additionalProperties. */
    private static void unknownFields(Object o, String path, List<String> out) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || Modifier.isStatic(g.getModifiers()) || g.getDeclaringClass() == Object.class
                    || !(g.getName().startsWith("get") || g.getName().startsWith("is"))) {
                continue;
            }
            Object v;
            try {
                v = g.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": unknown field(s) " + extra.keySet() + " in " + o.getClass().getSimpleName());
                }
            } else {
                unknownFields(v, path + "." + g.getName().replaceFirst("^(get|is)", ""), out);
            }
        }
    }
}
