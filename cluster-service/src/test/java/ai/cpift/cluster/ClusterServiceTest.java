package ai.cpift.cluster;

import ai.cpift.cluster.streams.ClusterTopology;
import ai.cpift.cluster.streams.PipelineState;
import ai.cpift.cluster.streams.StreamsReadiness;
import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventCodec;
import ai.cpift.events.EventIds;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskCore;
import ai.cpift.events.Topics;
import ai.cpift.local.CpiftStackResource;
import ai.cpift.platform.kafka.EventPublisher;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.LoggedEvent;
import ai.cpift.service.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The service against the test stack's broker and S3 server: events in through Kafka, grouping from the bucket, events out. */
@QuarkusTest
@WithTestResource(CpiftStackResource.class)
class ClusterServiceTest {
    static final PipelineSettings SETTINGS = Fixtures.settings(0.3, 5);
    @Inject
    Platform platform;
    @Inject
    KafkaStreams streams;
    @TempDir
    Path dir;

    @Test
    void groupsAPipelineFromTheLogAndTheBucket() throws Exception {
        awaitReady();
        String p = "svc-" + EventIds.random().substring(0, 8);
        String broken = p + "-broken";
        try (EventPublisher out = new EventPublisher(platform.kafka(), "cluster-test");
             EventReader in = new EventReader(platform.kafka(), "cluster-test-reader", List.of(Topics.CLUSTERS_FORMED, Topics.STAGE_FAILED))) {
            MaskComputed a = upload(p, "a", 0, 10);
            MaskComputed b = upload(p, "b", 5, 15);
            MaskComputed c = upload(p, "c", 100, 110);
            for (String t : List.of("a", "b", "c")) {
                out.publish(Fixtures.registered(p, t, SETTINGS));
            }
            // Tasks' events sit in different partitions: only once the registrations are in the pipeline's state
            // is "all three masked" the first complete set.
            awaitRegistered(p, 3);
            out.publish(a);
            out.publish(b);
            out.publish(c);
            out.publish(c); // redelivered

            ClustersFormed g = (ClustersFormed) await(in, e -> e instanceof ClustersFormed f && f.meta().pipeline().equals(p));
            assertEquals(1, g.generation());
            assertTrue(List.of(a.meta().id(), b.meta().id(), c.meta().id()).contains(g.meta().cause()), "caused by a mask event");
            assertEquals("cluster/" + platform.config().instance(), g.meta().source());
            assertEquals(List.of("a", "b", "c"), g.tasks().stream().map(TaskCore::task).toList());
            GroupingResult direct = Grouping.group(PackedMask.ofAll(List.of(MaskFile.read(dir.resolve("a.mask")),
                    MaskFile.read(dir.resolve("b.mask")), MaskFile.read(dir.resolve("c.mask"))), 1), new GroupingParams(0.3, "random", 5), 1);
            assertEquals(direct.groups(), g.groups());
            assertEquals(direct.order(), g.order());
            double[][] s = direct.jaccard();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(s[i][j], g.jaccard().get(i).get(j), 0.0);
                }
            }
            assertEquals(1.0 / 3, g.jaccard().get(0).get(1), 1e-12);

            assertEquals(ObjectKeys.grouping(p, 1), g.grouping().key());
            assertEquals(g.grouping(), platform.store().stat(g.grouping().key()).orElseThrow(), "groups.json is in the bucket");
            JsonNode stored = EventCodec.mapper().readTree(platform.store().getBytes(g.grouping()));
            assertEquals(EventCodec.mapper().valueToTree(g.groups()), stored.get("groups"));
            assertEquals(EventCodec.mapper().valueToTree(g.order()), stored.get("order"));

            // A mask whose object never reached the bucket: the stage says so and goes on serving.
            out.publish(Fixtures.registered(broken, "x", SETTINGS));
            out.publish(Fixtures.mask(broken, "x", SETTINGS, Fixtures.maskFile(dir, "x", 0, 5)));
            StageFailed f = (StageFailed) await(in, e -> e instanceof StageFailed sf && sf.subject().equals(broken));
            assertEquals("cluster", f.stage());
            assertNull(f.task());
            assertTrue(f.reason().contains(ObjectKeys.mask(broken, "x")) && f.reason().contains("fix:"), f.reason());

            out.publish(Fixtures.registered(p, "d", SETTINGS));
            awaitRegistered(p, 4);
            MaskComputed d = upload(p, "d", 8, 18);
            out.publish(d);
            ClustersFormed g2 = (ClustersFormed) await(in, e -> e instanceof ClustersFormed x && x.meta().pipeline().equals(p));
            assertEquals(d.meta().id(), g2.meta().cause());
            assertEquals(2, g2.generation(), "one generation per complete set: the redelivered mask formed none");
            assertEquals(List.of("a", "b", "c", "d"), g2.tasks().stream().map(TaskCore::task).toList());
            assertTrue(g2.groups().contains(List.of("a", "b", "d")) && g2.groups().contains(List.of("c")), g2.groups().toString());
        }
        Response ready = RestAssured.get("/q/health/ready");
        assertEquals(200, ready.statusCode(), ready.asString());
        assertEquals("RUNNING", ready.jsonPath().getString("checks.find { it.name == '" + StreamsReadiness.NAME + "' }.data.state"),
                ready.asString());
        Response live = RestAssured.get("/q/health/live");
        assertEquals(200, live.statusCode(), live.asString());
    }

    /** Waits until the pipeline's state in the service's store holds {@code n} registered tasks. */
    private void awaitRegistered(String p, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            PipelineState s = streams.store(StoreQueryParameters.fromNameAndType(ClusterTopology.STORE,
                    QueryableStoreTypes.<String, PipelineState>keyValueStore())).get(p);
            if (s != null && s.registered().size() == n) {
                return;
            }
            Thread.sleep(100);
        }
        fail("pipeline " + p + " did not reach " + n + " registered tasks within 30 s");
    }

    private MaskComputed upload(String p, String task, int from, int to) throws IOException {
        Path named = Files.move(Fixtures.maskFile(dir, task, from, to), dir.resolve(task + ".mask"));
        platform.store().putFile(ObjectKeys.mask(p, task), named);
        return Fixtures.mask(p, task, SETTINGS, named);
    }

    /** The next event matching {@code what}, within 60 s. */
    private static CpiftEvent await(EventReader in, Predicate<CpiftEvent> what) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<CpiftEvent> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            for (LoggedEvent e : in.poll(Duration.ofMillis(500))) {
                if (what.test(e.event())) {
                    return e.event();
                }
                seen.add(e.event());
            }
        }
        return fail("no matching event within 60 s; saw " + seen);
    }

    /** Kafka Streams joins its group after the app starts: wait until readiness says so. */
    private static void awaitReady() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (RestAssured.get("/q/health/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        fail("not ready within 60 s: " + RestAssured.get("/q/health/ready").asString());
    }
}
