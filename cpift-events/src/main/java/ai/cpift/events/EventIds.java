package ai.cpift.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Event ids: random UUIDs, or name-based ones where the same facts must give the same id. */
public final class EventIds {
    private EventIds() {
    }

    public static String random() {
        return UUID.randomUUID().toString();
    }

    /** A name-based (version 3) UUID of the parts, joined by a separator no part can contain. */
    public static String derived(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
