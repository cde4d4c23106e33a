package ai.cpift.cluster.streams;

import ai.cpift.cluster.Fixtures;
import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventCodec;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskCore;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static ai.cpift.cluster.Fixtures.mask;
import static ai.cpift.cluster.Fixtures.maskFile;
import static ai.cpift.cluster.Fixtures.registered;
import static ai.cpift.cluster.Fixtures.settings;
import static ai.cpift.cluster.Fixtures.taskFailed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The topology on {@link TopologyTestDriver}, written as given events / then events. Masks are real
 * mask files whose Jaccard is known by hand: a = {0..9}, b = {5..14}, c = {100..109}, d = {8..17} in one
 * tensor, so S(a,b) = 5/15, S(b,d) = 7/13, S(a,d) = 2/18, c shares nothing; at τ = 0.3 a–b and b–d link.
 */
class ClusterTopologyTest {
    static final double TAU = 0.3;
    static final PipelineSettings SETTINGS = settings(TAU, 7);
    @TempDir
    Path dir;
    TopologyTestDriver driver;
    LocalGrouper grouper;
    TestOutputTopic<String, ClustersFormed> formed;
    TestOutputTopic<String, StageFailed> failed;

    @BeforeEach
    void start() {
        grouper = new LocalGrouper();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cpift-cluster-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(ClusterTopology.build(new StreamsBuilder(), grouper, "cluster/test"), props);
        formed = output(Topics.CLUSTERS_FORMED);
        failed = output(Topics.STAGE_FAILED);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void formsAGenerationWhenEveryTaskHasAMaskAndANewOneForALaterTask() throws IOException {
        String p = "p1";
        given(registered(p, "a", SETTINGS), registered(p, "b", SETTINGS), registered(p, "c", SETTINGS));
        MaskComputed a = stored(p, "a", 0, 10);
        MaskComputed b = stored(p, "b", 5, 15);
        MaskComputed c = stored(p, "c", 100, 110);
        given(a, b);
        assertTrue(formed.isEmpty(), "two of three tasks masked: nothing formed yet");

        given(c);
        ClustersFormed g1 = single(formed);
        assertEquals(p, g1.meta().pipeline());
        assertEquals(1, g1.generation());
        assertEquals(c.meta().id(), g1.meta().cause(), "caused by the mask that completed the set");
        assertEquals("cluster/test", g1.meta().source());
        assertEquals(List.of(a.core(), b.core(), c.core()), g1.tasks());
        assertMatrix(new double[][]{{1, 5.0 / 15, 0}, {5.0 / 15, 1, 0}, {0, 0, 1}}, g1.jaccard());
        assertEquals(Set.of(List.of("a", "b"), List.of("c")), new HashSet<>(g1.groups()));
        assertEquals(g1.groups().stream().flatMap(List::stream).toList(), g1.order());
        assertEquals(direct(List.of(a, b, c)).groups(), g1.groups(), "stage order as the library gives it for seed 7");
        assertEquals(ObjectKeys.grouping(p, 1), g1.grouping().key());
        JsonNode stored = EventCodec.mapper().readTree(grouper.stored.get(g1.grouping().key()));
        assertEquals(EventCodec.mapper().valueToTree(g1.groups()), stored.get("groups"));
        assertEquals(EventCodec.mapper().valueToTree(List.of("a", "b", "c")), stored.get("tasks"));
        assertTrue(failed.isEmpty());

        given(c);
        assertTrue(formed.isEmpty(), "the same mask event again forms nothing");

        given(registered(p, "d", SETTINGS));
        assertTrue(formed.isEmpty(), "task d registered but not masked: nothing formed");
        MaskComputed d = stored(p, "d", 8, 18);
        given(d);
        ClustersFormed g2 = single(formed);
        assertEquals(2, g2.generation());
        assertEquals(d.meta().id(), g2.meta().cause());
        assertEquals(List.of("a", "b", "c", "d"), g2.tasks().stream().map(TaskCore::task).toList());
        assertEquals(List.of(a.meta().id(), b.meta().id(), c.meta().id(), d.meta().id()),
                g2.tasks().stream().map(TaskCore::maskEvent).toList(), "tasks already masked are taken as they are");
        assertMatrix(new double[][]{{1, 5.0 / 15, 0, 2.0 / 18}, {5.0 / 15, 1, 0, 7.0 / 13}, {0, 0, 1, 0}, {2.0 / 18, 7.0 / 13, 0, 1}},
                g2.jaccard());
        assertEquals(Set.of(List.of("a", "b", "d"), List.of("c")), new HashSet<>(g2.groups()));
        assertEquals(direct(List.of(a, b, c, d)).groups(), g2.groups());
        assertEquals(ObjectKeys.grouping(p, 2), g2.grouping().key());
        assertEquals(2, grouper.calls, "one grouping per generation");
    }

    @Test
    void aFailedTaskLeavesTheSetThePipelineWaitsFor() throws IOException {
        String p = "p2";
        given(registered(p, "a", SETTINGS), registered(p, "b", SETTINGS), registered(p, "c", SETTINGS));
        given(stored(p, "a", 0, 10), stored(p, "b", 5, 15));
        assertTrue(formed.isEmpty());
        StageFailed cFailed = taskFailed(p, "c");
        given(cFailed);
        ClustersFormed g1 = single(formed);
        assertEquals(1, g1.generation());
        assertEquals(cFailed.meta().id(), g1.meta().cause(), "the failure completed the set");
        assertEquals(List.of("a", "b"), g1.tasks().stream().map(TaskCore::task).toList());
        assertEquals(List.of(List.of("a", "b")), g1.groups());
        assertMatrix(new double[][]{{1, 1.0 / 3}, {1.0 / 3, 1}}, g1.jaccard());

        given(cFailed, new StageFailed(Fixtures.meta(p), "fusion", p, null, ClustersFormed.TYPE, "disk full"));
        assertTrue(formed.isEmpty(), "the same failure again, and a pipeline's failure, change nothing");
        assertTrue(failed.isEmpty(), "the stage emits no failure of its own for them");
    }

    @Test
    void aGroupingThatFailsBecomesStageFailedAndTheStageGoesOn() throws IOException {
        String p = "p3";
        given(registered(p, "a", SETTINGS), registered(p, "b", SETTINGS));
        MaskComputed a = stored(p, "a", 0, 10);
        MaskComputed lost = Fixtures.mask(p, "b", SETTINGS, maskFile(dir, "b", 5, 15)); // never stored
        given(a, lost);
        StageFailed f = single(failed);
        assertEquals(ClusterTopology.STAGE, f.stage());
        assertEquals(p, f.subject());
        assertNull(f.task());
        assertEquals(MaskComputed.TYPE, f.failedType());
        assertEquals(lost.meta().id(), f.meta().cause());
        assertTrue(f.reason().contains(ObjectKeys.mask(p, "b")) && f.reason().contains("fix:"), f.reason());
        assertTrue(formed.isEmpty());

        given(lost);
        assertTrue(failed.isEmpty() && formed.isEmpty(), "the same set is not tried again");

        String q = "q3";
        given(registered(q, "x", SETTINGS), stored(q, "x", 0, 10));
        assertEquals(List.of(List.of("x")), single(formed).groups(), "another pipeline is served");

        MaskComputed b = stored(p, "b", 5, 15);
        given(b);
        ClustersFormed g1 = single(formed);
        assertEquals(1, g1.generation(), "a failed grouping uses no generation number");
        assertEquals(Set.of(List.of("a", "b")), new HashSet<>(g1.groups()));
    }

    @Test
    void incompatibleMasksNameBothTasks() throws IOException {
        String p = "p4";
        given(registered(p, "a", SETTINGS), registered(p, "b", SETTINGS));
        MaskComputed a = stored(p, "a", 0, 10);
        // b's file holds a's core: the mask answers for another task.
        Path wrong = maskFile(dir, "a", 50, 60);
        MaskComputed b = Fixtures.mask(p, "b", SETTINGS, wrong);
        grouper.files.put(b.mask().key(), wrong);
        given(a, b);
        StageFailed f = single(failed);
        assertTrue(f.reason().contains("task 'b'") && f.reason().contains(ObjectKeys.mask(p, "b")), f.reason());
    }

    private MaskComputed stored(String p, String task, int from, int to) throws IOException {
        Path f = maskFile(dir, task, from, to);
        MaskComputed m = mask(p, task, SETTINGS, f);
        grouper.files.put(m.mask().key(), f);
        return m;
    }

    /** The library's grouping of the same masks, computed directly. */
    private GroupingResult direct(List<MaskComputed> masks) throws IOException {
        List<CoreMask> read = new ArrayList<>();
        for (MaskComputed m : masks) {
            read.add(MaskFile.read(grouper.files.get(m.mask().key())));
        }
        return Grouping.group(PackedMask.ofAll(read, 1), new GroupingParams(TAU, "random", 7), 1);
    }

    private void given(CpiftEvent... events) {
        for (CpiftEvent e : events) {
            input(Topics.of(e.getClass())).pipeInput(e.key(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private <V extends CpiftEvent> TestInputTopic<String, CpiftEvent> input(Topic<V> t) {
        return (TestInputTopic<String, CpiftEvent>) (TestInputTopic<String, ?>) driver.createInputTopic(t.name(),
                t.keySerde().serializer(), t.valueSerde().serializer());
    }

    private <V extends CpiftEvent> TestOutputTopic<String, V> output(Topic<V> t) {
        return driver.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
    }

    private static <V> V single(TestOutputTopic<String, V> out) {
        List<V> vs = out.readValuesToList();
        assertEquals(1, vs.size(), "exactly one event: " + vs);
        return vs.getFirst();
    }

    private static void assertMatrix(double[][] expected, List<List<Double>> actual) {
        assertEquals(expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[i][j], actual.get(i).get(j), 1e-12, "S(" + i + "," + j + ")");
            }
        }
    }
}
