package ai.cpift.cli.audit;

import ai.cpift.events.Artifact;
import ai.cpift.events.EventCodec;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@link Audit} found: the events in log order, the objects they name, and the problems (none: the
 * lineage is complete and intact).
 */
public record AuditReport(String pipeline, List<AuditEntry> events, List<AuditedArtifact> artifacts, List<String> problems) {
    public AuditReport {
        events = List.copyOf(events);
        artifacts = List.copyOf(artifacts);
        problems = List.copyOf(problems);
    }

    /** Compares a stored object with its record: empty when it matches, else what is wrong (ObjectStore::verify). */
    @FunctionalInterface
    public interface Verifier {
        Optional<String> verify(Artifact a) throws IOException;
    }

    /** This report plus a problem for each object whose stored bytes no longer match the recorded hash and size. */
    public AuditReport verified(Verifier store) throws IOException {
        List<String> more = new ArrayList<>(problems);
        for (AuditedArtifact a : artifacts) {
            Optional<String> wrong = store.verify(new Artifact(a.key(), a.sha256(), a.bytes()));
            wrong.ifPresent(w -> more.add("object " + a.key() + " (named by event " + a.events().getFirst() + "): " + w));
        }
        return new AuditReport(pipeline, events, artifacts, more);
    }

    public boolean intact() {
        return problems.isEmpty();
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("pipeline " + pipeline + ": " + events.size() + " event(s), " + artifacts.size() + " object(s)");
        out.add("events in log order (time, topic/partition@offset, type, id, subject, source, cause):");
        for (AuditEntry e : events) {
            out.add(String.format(Locale.ROOT, "  %s  %s/%d@%d  %s  %s  %s  %s  cause %s", e.time(), e.topic(), e.partition(), e.offset(),
                    e.type(), e.id(), e.subject(), e.source(), e.cause() == null ? "-" : e.cause()));
        }
        out.add("objects (key, sha256, bytes, named by):");
        for (AuditedArtifact a : artifacts) {
            out.add(String.format(Locale.ROOT, "  %s  %s  %d  %s", a.key(), a.sha256(), a.bytes(), String.join(",", a.events())));
        }
        if (problems.isEmpty()) {
            out.add("lineage complete and intact");
        } else {
            out.add(problems.size() + " problem(s):");
            problems.forEach(p -> out.add("  - " + p));
        }
        return out;
    }

    public ObjectNode json() {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("pipeline", pipeline);
        o.put("intact", intact());
        ArrayNode ev = o.putArray("events");
        events.forEach(e -> ev.add(EventCodec.mapper().<ObjectNode>valueToTree(e)));
        ArrayNode ar = o.putArray("artifacts");
        artifacts.forEach(a -> ar.add(EventCodec.mapper().<ObjectNode>valueToTree(a)));
        ArrayNode pr = o.putArray("problems");
        problems.forEach(pr::add);
        return o;
    }
}
