package ai.cpift.cli.submit;

import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.kafka.LoggedEvent;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the log says about one pipeline before a submit: its tasks' registrations (the first one fixed the
 * settings and the base) and the failures of tasks, so a resubmitted task can be told apart from a new one.
 */
record PipelineLog(Map<String, TaskRegistered> tasks, Map<String, StageFailed> failures) {

    static PipelineLog read(KafkaSettings kafka, String pipeline) {
        List<LoggedEvent> events;
        try (EventReader r = new EventReader(kafka, "cpift-cli-submit", List.of(Topics.TASK_REGISTERED, Topics.STAGE_FAILED))) {
            events = r.readToEnd();
        }
        return of(pipeline, events);
    }

    static PipelineLog of(String pipeline, List<LoggedEvent> events) {
        Map<String, TaskRegistered> tasks = new LinkedHashMap<>();
        Map<String, StageFailed> failures = new LinkedHashMap<>();
        events.stream().filter(e -> e.event().meta().pipeline().equals(pipeline))
                .sorted(Comparator.comparingLong(LoggedEvent::timestamp).thenComparing(LoggedEvent::partition)
                        .thenComparingLong(LoggedEvent::offset))
                .forEach(e -> {
                    switch (e.event()) {
                        case TaskRegistered t -> tasks.putIfAbsent(t.task(), t);
                        case StageFailed f when f.task() != null -> failures.put(f.task(), f);
                        default -> {
                        }
                    }
                });
        return new PipelineLog(tasks, failures);
    }

    boolean exists() {
        return !tasks.isEmpty();
    }

    /** The registration that created the pipeline: its settings and base hold for every later task. */
    TaskRegistered first() {
        return tasks.values().iterator().next();
    }

    PipelineSettings settings() {
        return first().settings();
    }
}
