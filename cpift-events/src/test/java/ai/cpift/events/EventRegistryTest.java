package ai.cpift.events;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A new event cannot be added without its codec entry, topic, schema and fixture. */
class EventRegistryTest {

    @Test
    void everyPermittedEventClassIsInTheCodec() {
        Set<Class<?>> permitted = Set.of(CpiftEvent.class.getPermittedSubclasses());
        assertEquals(permitted, Set.copyOf(EventCodec.TYPES.values()));
        EventCodec.TYPES.forEach((type, c) -> {
            assertEquals(type, EventCodec.typeOf(c));
            assertTrue(type.matches("ai\\.cpift(\\.[a-z]+)+\\.v[0-9]+"), type);
        });
    }

    @Test
    void everyEventTypeHasATopicASchemaAndAFixture() {
        for (var entry : EventCodec.TYPES.entrySet()) {
            String type = entry.getKey();
            Class<? extends CpiftEvent> c = entry.getValue();
            Topic<?> topic = Topics.of(c);
            assertTrue(Topics.ALL.contains(topic), type);
            assertEquals(type, topic.eventType());
            assertSame(topic, Topics.byName(topic.name()).orElseThrow());

            assertNotNull(EventSchemas.url(type), type + " has no schema");
            JsonNode schema = Fixtures.tree(Fixtures.resourceBytes(EventSchemas.resource(type)));
            assertEquals(type, schema.path("$id").asText(), type + ": schema $id");
            assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText());
            Set<String> components = Arrays.stream(c.getRecordComponents()).map(rc -> rc.getName()).collect(Collectors.toSet());
            Set<String> properties = new HashSet<>();
            schema.path("properties").fieldNames().forEachRemaining(properties::add);
            assertEquals(components, properties, type + ": schema properties against record components");

            assertNotNull(Fixtures.fixtureBytes(type), type + " has no fixture");
        }
    }

    @Test
    void topicsAreUniqueAndEachCarriesOneType() {
        List<String> names = Topics.ALL.stream().map(Topic::name).toList();
        assertEquals(names.size(), Set.copyOf(names).size(), "topic names repeat: " + names);
        List<Class<?>> carried = Topics.ALL.stream().<Class<?>>map(Topic::valueType).toList();
        assertEquals(carried.size(), Set.copyOf(carried).size(), "a type is carried by two topics: " + carried);
        assertEquals(Set.copyOf(EventCodec.TYPES.values()), Set.copyOf(carried), "every topic carries a known type");
        for (Topic<?> t : Topics.ALL) {
            assertEquals(EventCodec.typeOf(t.valueType()), t.eventType(), t.name());
            assertTrue(t.name().matches("cpift\\.[a-z-]+"), t.name());
            assertTrue(t.partitions() >= 1, t.name());
        }
        assertTrue(Topics.LINEAGE.stream().allMatch(t -> t.retentionMs() == -1));
        assertEquals(List.of(Topics.TRAINING_PROGRESS), Topics.ALL.stream().filter(t -> !Topics.LINEAGE.contains(t)).toList());
    }

    @Test
    void theTopicTableOfTheArchitecture() {
        assertEquals("cpift.task-registered", Topics.TASK_REGISTERED.name());
        assertEquals("cpift.task-finetuned", Topics.TASK_FINETUNED.name());
        assertEquals("cpift.mask-computed", Topics.MASK_COMPUTED.name());
        assertEquals("cpift.clusters-formed", Topics.CLUSTERS_FORMED.name());
        assertEquals("cpift.model-fused", Topics.MODEL_FUSED.name());
        assertEquals("cpift.model-consolidated", Topics.MODEL_CONSOLIDATED.name());
        assertEquals("cpift.stage-failed", Topics.STAGE_FAILED.name());
        assertEquals(Topic.KeyKind.TASK_ID, Topics.TASK_REGISTERED.key());
        assertEquals(Topic.KeyKind.PIPELINE_ID, Topics.CLUSTERS_FORMED.key());
        assertEquals(Topic.KeyKind.TASK_OR_PIPELINE_ID, Topics.STAGE_FAILED.key());
    }

    @Test
    void noStraySchemasAndTheirSharedDefinitionsAgree() {
        JsonNode first = null;
        for (String type : Fixtures.types()) {
            JsonNode defs = Fixtures.tree(Fixtures.resourceBytes(EventSchemas.resource(type))).path("$defs");
            assertTrue(defs.has("EventMeta") && defs.has("Artifact") && defs.has("ModelRef") && defs.has("Training")
                    && defs.has("PipelineSettings") && defs.has("TaskCore") && defs.has("StageOutcome"), type);
            if (first == null) {
                first = defs;
            } else {
                assertEquals(first, defs, type + ": its $defs differ from the other schemas'");
            }
        }
        // A schema or fixture of a type the codec does not know is a leftover.
        assertEquals(Set.copyOf(Fixtures.types()), filesIn(EventSchemas.DIRECTORY));
        assertEquals(Set.copyOf(Fixtures.types()), filesIn("fixtures/"));
    }

    private static Set<String> filesIn(String directory) {
        try {
            var url = Fixtures.class.getClassLoader().getResource(directory);
            assertNotNull(url, directory);
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(url.toURI()))) {
                return files.map(p -> p.getFileName().toString()).map(n -> n.substring(0, n.length() - ".json".length()))
                        .collect(Collectors.toSet());
            }
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }
}
