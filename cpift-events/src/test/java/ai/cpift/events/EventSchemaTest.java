package ai.cpift.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schemas accept what the codec writes and reject what the codec rejects: for each fixture, every
 * field removed, an unknown field added to every object, every sha256 broken.
 */
class EventSchemaTest {

    static List<String> types() {
        return Fixtures.types();
    }

    @ParameterizedTest
    @MethodSource("types")
    void fixtureIsValid(String type) {
        Set<ValidationMessage> errors = Fixtures.validate(type, Fixtures.fixture(type));
        assertTrue(errors.isEmpty(), type + ": " + errors);
    }

    @Test
    void javaBuiltEventsAreValid() {
        for (CpiftEvent e : Samples.all()) {
            Set<ValidationMessage> errors = Fixtures.validate(e.type(), Fixtures.tree(EventCodec.encode(e)));
            assertTrue(errors.isEmpty(), e.type() + ": " + errors);
        }
    }

    @Test
    void aDivergedLossIsWrittenReadAndValid() {
        TrainingProgressed p = Samples.trainingProgressed();
        TrainingProgressed nan = new TrainingProgressed(p.meta(), p.subject(), p.phase(), p.step(), p.steps(), Double.NaN, p.tokensPerSecond());
        JsonNode json = Fixtures.tree(EventCodec.encode(nan));
        assertEquals("NaN", json.path("loss").textValue(), "Jackson writes a non-finite double as a string");
        assertTrue(Fixtures.validate(TrainingProgressed.TYPE, json).isEmpty(), Fixtures.validate(TrainingProgressed.TYPE, json).toString());
        assertEquals(nan, EventCodec.decode(TrainingProgressed.class, EventCodec.encode(nan)));
    }

    @Test
    void anEventIsNotValidAgainstAnotherTypesSchema() {
        JsonNode registered = Fixtures.fixture(TaskRegistered.TYPE);
        assertFalse(Fixtures.validate(TaskFineTuned.TYPE, registered).isEmpty());
        assertFalse(Fixtures.validate(StageFailed.TYPE, registered).isEmpty());
    }

    @ParameterizedTest
    @MethodSource("types")
    void everyMissingFieldFailsInSchemaAndCodec(String type) {
        List<String> paths = objectFields(Fixtures.fixture(type));
        assertTrue(paths.size() > 5, type);
        for (String path : paths) {
            rejectedByBoth(type, "without " + path, root -> {
                int dot = path.lastIndexOf('/');
                ((ObjectNode) root.at(path.substring(0, dot))).remove(path.substring(dot + 1));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void anUnknownFieldFailsInSchemaAndCodec(String type) {
        List<String> objects = new ArrayList<>();
        walk(Fixtures.fixture(type), "", (path, node) -> {
            if (node.isObject() && !isScoreMap(path)) {
                objects.add(path);
            }
        });
        for (String path : objects) {
            rejectedByBoth(type, "with an unknown field at '" + path + "'", root -> ((ObjectNode) root.at(path)).put("unexpected", "x"));
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void aBadSha256FailsInSchemaAndCodec(String type) {
        List<String> hashes = objectFields(Fixtures.fixture(type)).stream().filter(p -> p.endsWith("/sha256")).toList();
        assertEquals(type.equals(StageFailed.TYPE) || type.equals(TrainingProgressed.TYPE), hashes.isEmpty(), type);
        for (String path : hashes) {
            String parent = path.substring(0, path.lastIndexOf('/'));
            String good = Fixtures.fixture(type).at(path).asText();
            for (String bad : List.of(good.toUpperCase(), good.substring(1), good + "0", good.substring(1) + "g", "")) {
                rejectedByBoth(type, "with sha256 '" + bad + "' at " + path, root -> ((ObjectNode) root.at(parent)).put("sha256", bad));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void nullWhereNotAllowedFailsInSchemaAndCodec(String type) {
        for (String path : objectFields(Fixtures.fixture(type))) {
            if (isNullable(type, path)) {
                continue;
            }
            Consumer<JsonNode> mutation = root -> {
                int dot = path.lastIndexOf('/');
                ((ObjectNode) root.at(path.substring(0, dot))).putNull(path.substring(dot + 1));
            };
            if (path.equals("/scores")) {
                // The records read null scores as none (TaskFineTuned, ModelConsolidated); the writer never writes null.
                JsonNode root = Fixtures.fixture(type);
                mutation.accept(root);
                assertFalse(Fixtures.validate(type, root).isEmpty(), type + " with null scores passes the schema");
                continue;
            }
            rejectedByBoth(type, "with null at " + path, mutation);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void nullWhereAllowedIsValid(String type) {
        for (String path : objectFields(Fixtures.fixture(type))) {
            if (!isNullable(type, path)) {
                continue;
            }
            JsonNode root = Fixtures.fixture(type);
            int dot = path.lastIndexOf('/');
            ((ObjectNode) root.at(path.substring(0, dot))).putNull(path.substring(dot + 1));
            assertTrue(Fixtures.validate(type, root).isEmpty(), type + " with null at " + path + ": " + Fixtures.validate(type, root));
            EventCodec.decode(type, Fixtures.bytes(root));
        }
    }

    @Test
    void settingsOutsideTheirEnumsFailInSchemaAndCodec() {
        String type = TaskRegistered.TYPE;
        rejectedByBoth(type, "stage order smallest-first", root -> ((ObjectNode) root.at("/settings")).put("stageOrder", "smallest-first"));
        rejectedByBoth(type, "consolidation data all", root -> ((ObjectNode) root.at("/settings")).put("consolidationData", "all"));
        rejectedByBoth(type, "tau 1.5", root -> ((ObjectNode) root.at("/settings")).put("tau", 1.5));
        rejectedByBoth(type, "top percent 0", root -> ((ObjectNode) root.at("/settings")).put("topPercent", 0.0));
        rejectedByBoth(type, "lr 0", root -> ((ObjectNode) root.at("/settings/probe")).put("lr", 0.0));
        rejectedByBoth(type, "task name Add", root -> ((ObjectNode) root).put("task", "Add"));
        rejectedByBoth(type, "pipeline name with '/'", root -> ((ObjectNode) root.at("/meta")).put("pipeline", "a/b"));
        rejectedByBoth(type, "negative size", root -> ((ObjectNode) root.at("/train")).put("bytes", -1));
        rejectedByBoth(type, "model prefix without '/'", root -> ((ObjectNode) root.at("/base")).put("prefix", "pipelines/arith/base"));
        rejectedByBoth(type, "time not ISO", root -> ((ObjectNode) root.at("/meta")).put("time", "04.12.2026 17:00"));
        rejectedByBoth(ClustersFormed.TYPE, "generation 0", root -> ((ObjectNode) root).put("generation", 0));
    }

    @Test
    void schemasAreFoundByType() {
        assertEquals("ai/cpift/events/schema/ai.cpift.task.registered.v1.json", EventSchemas.resource(TaskRegistered.TYPE));
        assertTrue(EventSchemas.url(StageFailed.TYPE).toString().endsWith("/ai.cpift.stage.failed.v1.json"));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> EventSchemas.resource("ai.cpift.nothing.v1"));
        assertTrue(x.getMessage().contains("ai.cpift.nothing.v1"), x.getMessage());
    }

    private static void rejectedByBoth(String type, String what, Consumer<JsonNode> mutation) {
        JsonNode root = Fixtures.fixture(type);
        mutation.accept(root);
        assertFalse(Fixtures.validate(type, root).isEmpty(), type + " " + what + " passes the schema");
        byte[] json = Fixtures.bytes(root);
        assertThrows(EventFormatException.class, () -> EventCodec.decode(type, json), type + " " + what + " passes the codec");
    }

    /** JSON pointers of every field of every fixed-shape object (score maps' entries excluded). */
    private static List<String> objectFields(JsonNode root) {
        List<String> fields = new ArrayList<>();
        walk(root, "", (path, node) -> {
            if (node.isObject() && !isScoreMap(path)) {
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    fields.add(path + "/" + it.next());
                }
            }
        });
        return fields;
    }

    private static boolean isScoreMap(String path) {
        return path.matches("/scores(/[^/]+)?");
    }

    private static boolean isNullable(String type, String path) {
        return path.endsWith("/eval") || path.equals("/meta/cause") || (type.equals(StageFailed.TYPE) && path.equals("/task"));
    }

    private interface Visitor {
        void visit(String path, JsonNode node);
    }

    private static void walk(JsonNode node, String path, Visitor v) {
        v.visit(path, node);
        if (node.isObject()) {
            node.properties().forEach(e -> walk(e.getValue(), path + "/" + e.getKey(), v));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, v);
            }
        }
    }
}
