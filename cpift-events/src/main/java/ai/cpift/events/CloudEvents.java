package ai.cpift.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * CloudEvents 1.0 attributes in Kafka headers (the Kafka protocol binding, binary mode): the event's
 * JSON is the record value, its attributes are {@code ce_*} headers.
 */
public final class CloudEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SUBJECT = "ce_subject";
    public static final String TIME = "ce_time";
    public static final String SPECVERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEvents() {
    }

    /** Writes (replacing) the attributes of {@code e} into {@code headers}. */
    public static void write(CpiftEvent e, Headers headers) {
        put(headers, SPECVERSION, SPEC_VERSION);
        put(headers, ID, e.meta().id());
        put(headers, TYPE, e.type());
        put(headers, SOURCE, e.meta().source());
        put(headers, SUBJECT, e.key());
        put(headers, TIME, e.meta().time().toString());
        put(headers, CONTENT_TYPE, "application/json");
    }

    /** The value of header {@code name}, or null. */
    public static String read(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
