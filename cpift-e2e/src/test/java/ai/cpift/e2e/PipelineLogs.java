package ai.cpift.e2e;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.kafka.LoggedEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** Reading one pipeline's events from the log, waiting for a condition on them. */
final class PipelineLogs {
    private PipelineLogs() {
    }

    /** Every event of {@code pipeline} once {@code done} holds on them; fails after {@code timeout} with what was seen. */
    static List<CpiftEvent> await(KafkaSettings kafka, String pipeline, Duration timeout, Predicate<List<CpiftEvent>> done) {
        List<CpiftEvent> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (EventReader r = new EventReader(kafka, "e2e-" + UUID.randomUUID(), Topics.ALL)) {
            while (!done.test(seen)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("pipeline " + pipeline + ": condition not met within " + timeout.toSeconds() + " s; events seen: "
                            + seen.stream().map(e -> e.type() + " " + e.key()).toList());
                }
                for (LoggedEvent e : r.poll(Duration.ofMillis(300))) {
                    if (e.event().meta().pipeline().equals(pipeline)) {
                        seen.add(e.event());
                    }
                }
            }
        }
        return seen;
    }

    static <T extends CpiftEvent> List<T> of(List<CpiftEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
