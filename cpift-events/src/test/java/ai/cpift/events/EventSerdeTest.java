package ai.cpift.events;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSerdeTest {

    @Test
    void serializeWritesTheCloudEventsHeaders() {
        TaskFineTuned e = Samples.fineTuned();
        RecordHeaders headers = new RecordHeaders();
        byte[] value = new EventSerde<>(TaskFineTuned.class).serialize(Topics.TASK_FINETUNED.name(), headers, e);

        assertArrayEquals(EventCodec.encode(e), value);
        assertEquals("1.0", CloudEvents.read(headers, "ce_specversion"));
        assertEquals(e.meta().id(), CloudEvents.read(headers, "ce_id"));
        assertEquals("ai.cpift.task.finetuned.v1", CloudEvents.read(headers, "ce_type"));
        assertEquals("cpift-test", CloudEvents.read(headers, "ce_source"));
        assertEquals("ner-2/person", CloudEvents.read(headers, "ce_subject"));
        assertEquals(e.key(), CloudEvents.read(headers, "ce_subject"));
        assertEquals("2027-01-15T09:30:12.345678901Z", CloudEvents.read(headers, "ce_time"));
        assertEquals("application/json", CloudEvents.read(headers, "content-type"));
        assertEquals(7, headers.toArray().length);
    }

    @Test
    void serializeReplacesHeadersItWrote() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", "stale".getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        ClustersFormed e = Samples.clustersFormed();
        new EventSerde<>(ClustersFormed.class).serialize("t", headers, e);
        assertEquals(1, countOf(headers, "ce_type"));
        assertEquals(ClustersFormed.TYPE, CloudEvents.read(headers, "ce_type"));
        assertEquals("ner-2", CloudEvents.read(headers, "ce_subject"), "a pipeline's event has the pipeline id as subject");
        assertEquals("00-abc", CloudEvents.read(headers, "traceparent"), "other headers are kept");
    }

    @Test
    void deserializeReadsWhatSerializeWrote() {
        Serde<StageFailed> serde = Topics.STAGE_FAILED.valueSerde();
        StageFailed e = Samples.stageFailed();
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serde.serializer().serialize(Topics.STAGE_FAILED.name(), headers, e);
        assertEquals(e, serde.deserializer().deserialize(Topics.STAGE_FAILED.name(), headers, value));
        assertEquals(e, serde.deserializer().deserialize(Topics.STAGE_FAILED.name(), new RecordHeaders(), value), "no ce_type: accepted");
        assertEquals(e, serde.deserializer().deserialize(Topics.STAGE_FAILED.name(), value));
    }

    @Test
    void aRecordOfAnotherTypeIsRejectedNamingBoth() {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = new EventSerde<>(TaskRegistered.class).serialize(Topics.TASK_REGISTERED.name(), headers, Samples.registered());
        EventSerde<TaskFineTuned> serde = new EventSerde<>(TaskFineTuned.class);
        EventFormatException x = assertThrows(EventFormatException.class,
                () -> serde.deserialize(Topics.TASK_FINETUNED.name(), headers, value));
        assertTrue(x.getMessage().contains(TaskFineTuned.TYPE), x.getMessage());
        assertTrue(x.getMessage().contains(TaskRegistered.TYPE), x.getMessage());
        assertTrue(x.getMessage().contains(Topics.TASK_FINETUNED.name()), x.getMessage());
    }

    @Test
    void badJsonIsAnEventFormatException() {
        EventSerde<TaskRegistered> serde = new EventSerde<>(TaskRegistered.class);
        byte[] junk = "{\"meta\":".getBytes(StandardCharsets.UTF_8);
        EventFormatException x = assertThrows(EventFormatException.class, () -> serde.deserialize("t", new RecordHeaders(), junk));
        assertTrue(x.getMessage().contains(TaskRegistered.TYPE), x.getMessage());
        EventFormatException unknown = assertThrows(EventFormatException.class, () -> EventCodec.decode("ai.cpift.nothing.v1", junk));
        assertTrue(unknown.getMessage().contains("ai.cpift.nothing.v1"), unknown.getMessage());
    }

    @Test
    void nullsPassThrough() {
        EventSerde<TaskRegistered> serde = new EventSerde<>(TaskRegistered.class);
        RecordHeaders headers = new RecordHeaders();
        assertNull(serde.serialize("t", headers, null));
        assertEquals(0, headers.toArray().length);
        assertNull(serde.deserialize("t", headers, (byte[]) null));
    }

    private static int countOf(RecordHeaders headers, String name) {
        int n = 0;
        for (var h : headers.headers(name)) {
            n++;
        }
        return n;
    }
}
