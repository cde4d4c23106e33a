package ai.cpift.events;

import java.net.URL;

/**
 * The JSON Schema (draft 2020-12) of each event type, kept on the classpath beside the code:
 * {@code ai/cpift/events/schema/<type>.json}, whose {@code $id} is the type string. Each schema is
 * self-contained (its shared definitions sit in its own {@code $defs}) and as strict as {@link EventCodec}:
 * every component required (null where the record allows it), no other field.
 */
public final class EventSchemas {
    /** The classpath folder of the schemas, without a leading '/'. */
    public static final String DIRECTORY = "ai/cpift/events/schema/";

    private EventSchemas() {
    }

    /** The classpath path of the schema of {@code type}, e.g. {@code ai/cpift/events/schema/ai.cpift.task.registered.v1.json}. */
    public static String resource(String type) {
        if (!EventCodec.TYPES.containsKey(type)) {
            throw new IllegalArgumentException("unknown event type '" + type + "'; known: "
                    + EventCodec.TYPES.keySet().stream().sorted().toList());
        }
        return DIRECTORY + type + ".json";
    }

    /** The schema of {@code type} as a URL on this module's class path. */
    public static URL url(String type) {
        URL url = EventSchemas.class.getClassLoader().getResource(resource(type));
        if (url == null) {
            throw new IllegalStateException("no schema " + resource(type) + " on the class path");
        }
        return url;
    }
}
