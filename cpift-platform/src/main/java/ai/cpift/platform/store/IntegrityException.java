package ai.cpift.platform.store;

import java.io.IOException;

/** An object's bytes do not match the SHA-256 or size recorded for it. */
public final class IntegrityException extends IOException {
    public IntegrityException(String message) {
        super(message);
    }
}
