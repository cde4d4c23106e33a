package ai.cpift.platform.kafka;

import ai.cpift.events.Artifact;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelRef;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.events.Training;
import ai.cpift.local.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stage loop against a real broker: answers exactly once, skips an event seen before, turns a
 * failure into stage-failed and goes on, outlives a short max.poll.interval.ms, hands back an input it
 * cannot finish when stopped.
 */
class StageWorkerTest {
    private static final String SHA = "0".repeat(64);
    private static final PipelineSettings SETTINGS = new PipelineSettings(new Training(10, 1e-3, 1, 4), 1, 0.1, "random", 1,
            new Training(5, 1e-3, 0, 4), 10, "group", 64);

    private final KafkaSettings kafka = KafkaSettings.of(TestStack.shared().kafkaBootstrap());
    private final String pipeline = "p" + UUID.randomUUID().toString().substring(0, 8);
    private final String service = "test-" + UUID.randomUUID().toString().substring(0, 8);

    private TaskRegistered registered(String task) {
        ModelRef base = new ModelRef("pipelines/" + pipeline + "/base/", List.of(new Artifact("pipelines/" + pipeline + "/base/config.json", SHA, 1)));
        return new TaskRegistered(new EventMeta(EventIds.random(), pipeline, null, "test", Instant.now()), task, SETTINGS, base,
                new Artifact("pipelines/" + pipeline + "/tasks/" + task + "/data/train.jsonl", SHA, 1), null);
    }

    /** The test handler's answer: a mask-computed for the registered task. */
    private static MaskComputed answer(TaskRegistered t, StageContext c) {
        return new MaskComputed(c.metaFor(t), t.task(), t.settings(), t.base(), t.train(), t.eval(), t.base(),
                new Artifact("pipelines/" + t.meta().pipeline() + "/tasks/" + t.task() + "/core.mask", SHA, 1), 1, 0.5);
    }

    /**
     * A worker whose handler sees this test's pipeline only: the topic holds every earlier test's events
     * too, and a new consumer group reads it from the start (answering those with nothing).
     */
    private StageWorker worker(KafkaSettings k, StageHandler h, Duration grace) throws Exception {
        StageHandler mine = (in, c) -> in.meta().pipeline().equals(pipeline) ? h.handle(in, c) : List.of();
        return StageWorker.start(k, new StageWorker.Options(service, "i1", List.of(Topics.TASK_REGISTERED),
                List.of(Topics.MASK_COMPUTED), grace), mine);
    }

    /** Events of this test's pipeline on {@code topics} once {@code done} holds (or 60 s pass). */
    private List<CpiftEvent> await(List<ai.cpift.events.Topic<?>> topics, Predicate<List<CpiftEvent>> done) throws Exception {
        List<CpiftEvent> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (EventReader r = new EventReader(kafka, "test-reader-" + UUID.randomUUID(), topics)) {
            while (!done.test(seen) && System.nanoTime() < deadline) {
                for (LoggedEvent e : r.poll(Duration.ofMillis(300))) {
                    if (e.event().meta().pipeline().equals(pipeline)) {
                        seen.add(e.event());
                    }
                }
            }
        }
        return seen;
    }

    @Test
    void answersOnceSkipsARepeatAndReportsAFailureWithoutStopping() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StageHandler h = (in, c) -> {
            calls.incrementAndGet();
            TaskRegistered t = (TaskRegistered) in;
            if (t.task().equals("bad")) {
                throw new IllegalArgumentException("dataset " + t.train().key() + " line 3: field 'response' missing; fix: add it");
            }
            return List.of(answer(t, c));
        };
        TaskRegistered a = registered("a");
        try (StageWorker w = worker(kafka, h, Duration.ofSeconds(5)); EventPublisher pub = new EventPublisher(kafka, "test")) {
            pub.publish(a);
            pub.publish(a); // the same event twice on the input topic
            pub.publish(registered("bad"));
            pub.publish(registered("c"));
            List<CpiftEvent> out = await(List.of(Topics.MASK_COMPUTED, Topics.STAGE_FAILED),
                    s -> s.size() >= 3 && w.stats().duplicates() == 1);
            assertEquals(3, calls.get(), "each distinct event handled once");
            assertEquals(1, w.stats().duplicates());
            List<MaskComputed> masks = out.stream().filter(e -> e instanceof MaskComputed).map(e -> (MaskComputed) e).toList();
            assertEquals(List.of("a", "c"), masks.stream().map(MaskComputed::task).sorted().toList());
            assertEquals(a.meta().id(), masks.stream().filter(m -> m.task().equals("a")).findFirst().orElseThrow().meta().cause());
            StageFailed f = out.stream().filter(e -> e instanceof StageFailed).map(e -> (StageFailed) e).findFirst().orElseThrow();
            assertEquals("bad", f.task());
            assertEquals(TaskRegistered.TYPE, f.failedType());
            assertTrue(f.reason().contains("line 3: field 'response' missing"), f.reason());
            assertEquals(service + "/i1", f.meta().source());
        }
    }

    @Test
    void aHandlerLongerThanTheMaxPollIntervalRunsOnceAndKeepsThePartition() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        KafkaSettings shortPoll = kafka.with("consumer.max.poll.interval.ms", 1000).with("consumer.session.timeout.ms", 6000)
                .with("consumer.heartbeat.interval.ms", 500);
        StageHandler slow = (in, c) -> {
            calls.incrementAndGet();
            Thread.sleep(6000); // six max.poll.interval.ms
            return List.of(answer((TaskRegistered) in, c));
        };
        try (StageWorker w = worker(shortPoll, slow, Duration.ofSeconds(5)); EventPublisher pub = new EventPublisher(kafka, "test")) {
            pub.publish(registered("long"));
            List<CpiftEvent> out = await(List.of(Topics.MASK_COMPUTED), s -> !s.isEmpty());
            Thread.sleep(2000); // a second delivery would start now
            assertEquals(1, out.size());
            assertEquals(1, calls.get(), "handled once, never redelivered");
            assertEquals(0, w.stats().duplicates());
            assertTrue(w.stats().running());
        }
    }

    @Test
    void anInputUnfinishedAtShutdownIsHandedBackAndAnsweredOnceByTheNextInstance() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StageHandler slowOnce = (in, c) -> {
            if (calls.incrementAndGet() == 1) {
                Thread.sleep(30_000); // interrupted by the shutdown
            }
            return List.of(answer((TaskRegistered) in, c));
        };
        try (EventPublisher pub = new EventPublisher(kafka, "test")) {
            StageWorker first = worker(kafka, slowOnce, Duration.ofSeconds(1));
            pub.publish(registered("handover"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (calls.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            first.close();
            try (StageWorker second = worker(kafka, slowOnce, Duration.ofSeconds(5))) {
                List<CpiftEvent> out = await(List.of(Topics.MASK_COMPUTED), s -> !s.isEmpty());
                Thread.sleep(1500);
                assertEquals(1, out.size(), "one answer");
                assertEquals(2, calls.get(), "the handed-back input was handled again by the next instance");
            }
        }
    }
}
