package ai.cpift.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Test helpers: the golden fixtures and the event schemas, both from the class path. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** Formats (date-time) asserted, not only annotated. */
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /** Every event type, sorted. */
    static List<String> types() {
        return EventCodec.TYPES.keySet().stream().sorted().toList();
    }

    static String fixtureResource(String type) {
        return "fixtures/" + type + ".json";
    }

    static byte[] fixtureBytes(String type) {
        return resourceBytes(fixtureResource(type));
    }

    static JsonNode fixture(String type) {
        return tree(fixtureBytes(type));
    }

    static byte[] resourceBytes(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    static JsonSchema schema(String type) {
        return SCHEMAS.computeIfAbsent(type,
                t -> FACTORY.getSchema(SchemaLocation.of("classpath:" + EventSchemas.resource(t)), CONFIG));
    }

    /** The schema's complaints about {@code node} as event {@code type}; empty when it is valid. */
    static Set<ValidationMessage> validate(String type, JsonNode node) {
        return schema(type).validate(node);
    }
}
