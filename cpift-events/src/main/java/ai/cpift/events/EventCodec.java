package ai.cpift.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Events as JSON: the record's components, times as ISO-8601 strings. Strict on read (an unknown field is
 * an error: a v1 reader must not silently drop what a writer meant; so is a missing one, even a nullable
 * one, which the writer always writes, as null if need be), so a change of shape means a new type
 * version. The JSON Schemas of {@link EventSchemas} say the same.
 */
public final class EventCodec {
    /** Every event class by its type string. */
    public static final Map<String, Class<? extends CpiftEvent>> TYPES = List.<Class<? extends CpiftEvent>>of(
                    TaskRegistered.class, TaskFineTuned.class, MaskComputed.class, ClustersFormed.class, ModelFused.class,
                    ModelConsolidated.class, StageFailed.class, TrainingProgressed.class).stream()
            .collect(Collectors.toUnmodifiableMap(EventCodec::typeOf, Function.identity()));

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private EventCodec() {
    }

    public static byte[] encode(CpiftEvent e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (IOException x) {
            throw new IllegalStateException("cannot write " + e.type() + " as JSON: " + x.getMessage(), x);
        }
    }

    public static <T extends CpiftEvent> T decode(Class<T> type, byte[] json) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException | IllegalArgumentException | NullPointerException x) {
            throw new EventFormatException("not a valid " + typeOf(type) + " event: " + x.getMessage(), x);
        }
    }

    /** Decodes an event whose type string is known (from the {@code ce_type} header). */
    public static CpiftEvent decode(String type, byte[] json) {
        Class<? extends CpiftEvent> c = TYPES.get(type);
        if (c == null) {
            throw new EventFormatException("unknown event type '" + type + "'; known: " + TYPES.keySet().stream().sorted().toList(), null);
        }
        return decode(c, json);
    }

    /** The type string of an event class (its {@code TYPE} constant). */
    public static String typeOf(Class<? extends CpiftEvent> c) {
        try {
            return (String) c.getField("TYPE").get(null);
        } catch (ReflectiveOperationException x) {
            throw new IllegalStateException(c + " has no public TYPE constant", x);
        }
    }

    /** The shared mapper, for readers of events' JSON (status, audit). */
    public static ObjectMapper mapper() {
        return JSON;
    }
}
