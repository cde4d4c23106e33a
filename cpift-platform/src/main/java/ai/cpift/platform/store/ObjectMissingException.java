package ai.cpift.platform.store;

import java.io.IOException;

/** An object an event refers to is not in the bucket. */
public final class ObjectMissingException extends IOException {
    public ObjectMissingException(String message) {
        super(message);
    }
}
