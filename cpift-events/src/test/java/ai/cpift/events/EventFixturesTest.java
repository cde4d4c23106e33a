package ai.cpift.events;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each golden fixture decodes into its record and re-encodes to the same JSON. */
class EventFixturesTest {

    static List<String> types() {
        return Fixtures.types();
    }

    @ParameterizedTest
    @MethodSource("types")
    void fixtureRoundTrips(String type) {
        byte[] json = Fixtures.fixtureBytes(type);
        CpiftEvent e = EventCodec.decode(type, json);
        assertInstanceOf(EventCodec.TYPES.get(type), e);
        assertEquals(type, e.type());

        JsonNode again = Fixtures.tree(EventCodec.encode(e));
        assertEquals(Fixtures.tree(json), again, type + ": re-encoded JSON differs from the fixture");
        // And once more through the codec: decoding the re-encoded JSON gives an equal record.
        assertEquals(e, EventCodec.decode(type, EventCodec.encode(e)));
    }

    @ParameterizedTest
    @MethodSource("types")
    void fixtureKeysFollowTheTopicTable(String type) {
        CpiftEvent e = EventCodec.decode(type, Fixtures.fixtureBytes(type));
        String pipeline = e.meta().pipeline();
        switch (Topics.of(e.getClass()).key()) {
            case TASK_ID -> assertTrue(e.key().startsWith(pipeline + "/"), type + ": key " + e.key() + " is not a task id");
            case PIPELINE_ID -> assertEquals(pipeline, e.key(), type);
            case TASK_OR_PIPELINE_ID -> assertTrue(e.key().equals(pipeline) || e.key().startsWith(pipeline + "/"), type + ": " + e.key());
        }
    }

    @Test
    void fixturesUseTheObjectKeysLayout() {
        TaskRegistered r = (TaskRegistered) EventCodec.decode(TaskRegistered.TYPE, Fixtures.fixtureBytes(TaskRegistered.TYPE));
        assertEquals("arith/add", r.key());
        assertEquals(ObjectKeys.base("arith"), r.base().prefix());
        assertEquals(ObjectKeys.trainData("arith", "add"), r.train().key());
        assertEquals(ObjectKeys.evalData("arith", "add"), r.eval().key());
        assertEquals(null, r.meta().cause());

        MaskComputed m = (MaskComputed) EventCodec.decode(MaskComputed.TYPE, Fixtures.fixtureBytes(MaskComputed.TYPE));
        assertEquals(ObjectKeys.probe("arith", "add"), m.probe().prefix());
        assertEquals(ObjectKeys.mask("arith", "add"), m.mask().key());
        assertEquals(m.meta().id(), m.core().maskEvent());

        ClustersFormed c = (ClustersFormed) EventCodec.decode(ClustersFormed.TYPE, Fixtures.fixtureBytes(ClustersFormed.TYPE));
        assertEquals(ObjectKeys.grouping("arith", c.generation()), c.grouping().key());
        assertEquals(m.core(), c.tasks().getFirst(), "the clusters fixture carries the mask fixture's task as its core");

        ModelConsolidated k = (ModelConsolidated) EventCodec.decode(ModelConsolidated.TYPE, Fixtures.fixtureBytes(ModelConsolidated.TYPE));
        assertEquals(ObjectKeys.fused("arith", 1), k.fused().prefix());
        assertEquals(k.stages().getLast().model(), k.consolidated());
        assertEquals(ObjectKeys.report("arith", 1), k.report().key());
    }

    @Test
    void javaBuiltEventsRoundTrip() {
        for (CpiftEvent e : Samples.all()) {
            assertEquals(e, EventCodec.decode(e.type(), EventCodec.encode(e)), e.type());
        }
    }
}
