package ai.cpift.cli.audit;

import java.util.List;

/** An object the lineage names, with the hash and size recorded for it and the events that name it (inputs and outputs alike). */
public record AuditedArtifact(String key, String sha256, long bytes, List<String> events) {
    public AuditedArtifact {
        events = List.copyOf(events);
    }
}
