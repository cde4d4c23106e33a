package ai.cpift.events;

/** A record on a topic that is not a valid event of the type it claims. */
public final class EventFormatException extends RuntimeException {
    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
