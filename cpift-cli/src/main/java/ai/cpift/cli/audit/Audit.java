package ai.cpift.cli.audit;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventCodec;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.LoggedEvent;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lineage of one pipeline from its events alone: every event in log order, every object any event
 * names, and what breaks the chain (a cause that is not in the log, an event with no cause that a user
 * did not submit, an event id twice, two answers of one stage to one event, one key recorded with two
 * hashes). Checking the stored objects against their hashes is {@link AuditReport#verified}.
 */
public final class Audit {
    private Audit() {
    }

    public static AuditReport of(String pipeline, List<LoggedEvent> log) {
        List<LoggedEvent> events = log.stream().filter(e -> e.event().meta().pipeline().equals(pipeline))
                .sorted(Comparator.comparingLong(LoggedEvent::timestamp)
                        .thenComparingInt(e -> Topics.ALL.indexOf(Topics.byName(e.topic()).orElse(null)))
                        .thenComparingInt(LoggedEvent::partition).thenComparingLong(LoggedEvent::offset))
                .toList();
        List<AuditEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (LoggedEvent e : events) {
            CpiftEvent ev = e.event();
            entries.add(new AuditEntry(ev.meta().time(), e.topic(), e.partition(), e.offset(), ev.type(), ev.meta().id(), ev.key(),
                    ev.meta().source(), ev.meta().cause()));
            if (!ids.add(ev.meta().id())) {
                problems.add("event id " + ev.meta().id() + " appears twice (again at " + e.topic() + "/" + e.partition() + "@" + e.offset()
                        + "): one event was published twice");
            }
        }
        Map<String, String> answered = new HashMap<>();
        for (LoggedEvent e : events) {
            CpiftEvent ev = e.event();
            String cause = ev.meta().cause();
            if (cause == null) {
                if (!(ev instanceof TaskRegistered)) {
                    problems.add(ev.type() + " " + ev.meta().id() + " from " + ev.meta().source() + " names no cause; only a task "
                            + "registration comes from a user, every stage's event answers another");
                }
                continue;
            }
            if (!ids.contains(cause)) {
                problems.add(ev.type() + " " + ev.meta().id() + " from " + ev.meta().source() + " names cause " + cause
                        + ", which is not in the log of pipeline " + pipeline + " (orphan)");
            }
            // One answer per stage and input: a success and a failure of different stages may share a cause, two of one may not.
            String answer = (ev instanceof StageFailed f ? ev.type() + "/" + f.stage() : ev.type()) + " <- " + cause;
            String before = answered.putIfAbsent(answer, ev.meta().id());
            if (before != null) {
                problems.add("duplicate answer: " + ev.type() + " " + before + " and " + ev.meta().id() + " both answer event " + cause);
            }
        }
        return new AuditReport(pipeline, entries, artifacts(events, problems), problems);
    }

    /** Every object the events name, found generically in their JSON (any object with key, sha256 and bytes). */
    private static List<AuditedArtifact> artifacts(List<LoggedEvent> events, List<String> problems) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        Map<String, List<String>> namedBy = new LinkedHashMap<>();
        for (LoggedEvent e : events) {
            List<JsonNode> found = new ArrayList<>();
            walk(EventCodec.mapper().valueToTree(e.event()), found);
            for (JsonNode a : found) {
                String key = a.get("key").asText();
                JsonNode known = byKey.putIfAbsent(key, a);
                if (known != null && !(known.get("sha256").asText().equals(a.get("sha256").asText())
                        && known.get("bytes").asLong() == a.get("bytes").asLong())) {
                    problems.add("object " + key + " is recorded as " + describe(known) + " by event " + namedBy.get(key).getFirst()
                            + " but as " + describe(a) + " by event " + e.event().meta().id() + ": it was overwritten");
                }
                List<String> by = namedBy.computeIfAbsent(key, k -> new ArrayList<>());
                if (!by.contains(e.event().meta().id())) {
                    by.add(e.event().meta().id());
                }
            }
        }
        List<AuditedArtifact> out = new ArrayList<>();
        byKey.forEach((k, a) -> out.add(new AuditedArtifact(k, a.get("sha256").asText(), a.get("bytes").asLong(), namedBy.get(k))));
        return out;
    }

    private static void walk(JsonNode n, List<JsonNode> found) {
        if (n.isObject() && n.path("key").isTextual() && n.path("sha256").isTextual() && n.path("bytes").isNumber()) {
            found.add(n);
            return;
        }
        if (n.isContainerNode()) {
            n.forEach(c -> walk(c, found));
        }
    }

    private static String describe(JsonNode a) {
        return a.get("bytes").asLong() + " bytes with sha256 " + a.get("sha256").asText();
    }
}
