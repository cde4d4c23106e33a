package ai.cpift.trainer;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.EventPublisher;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.kafka.LoggedEvent;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** Publishes inputs and reads the log, as a user of the platform would. */
final class Bus {
    private static final List<Topic<?>> ANSWERS = List.of(Topics.TASK_FINETUNED, Topics.MODEL_CONSOLIDATED, Topics.STAGE_FAILED);

    private final KafkaSettings kafka;

    Bus(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void publish(CpiftEvent e) throws IOException {
        try (EventPublisher p = new EventPublisher(kafka, "trainer-test-" + UUID.randomUUID())) {
            p.publish(e);
        }
    }

    /** The answer (output or stage-failed) caused by the event {@code id}, waiting up to {@code timeout}. */
    CpiftEvent answerTo(String id, Duration timeout) {
        List<CpiftEvent> found = await(ANSWERS, e -> id.equals(e.meta().cause()), 1, timeout);
        if (found.isEmpty()) {
            throw new AssertionError("no answer to " + id + " within " + timeout);
        }
        return found.getFirst();
    }

    /** Events of {@code topics} matching {@code match}: once {@code count} are there or {@code timeout} passed. */
    List<CpiftEvent> await(List<Topic<?>> topics, Predicate<CpiftEvent> match, int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        List<CpiftEvent> found = new ArrayList<>();
        try (EventReader r = new EventReader(kafka, "trainer-test-" + UUID.randomUUID(), topics)) {
            r.readToEnd().stream().map(LoggedEvent::event).filter(match).forEach(found::add);
            while (found.size() < count && System.nanoTime() < end) {
                r.poll(Duration.ofMillis(200)).stream().map(LoggedEvent::event).filter(match).forEach(found::add);
            }
        }
        return found;
    }

    /** Every event of {@code topics} in the log now that matches. */
    List<CpiftEvent> all(List<Topic<?>> topics, Predicate<CpiftEvent> match) {
        try (EventReader r = new EventReader(kafka, "trainer-test-" + UUID.randomUUID(), topics)) {
            return r.readToEnd().stream().map(LoggedEvent::event).filter(match).toList();
        }
    }
}
