package ai.cpift.local;

import java.nio.file.Path;
import java.util.List;

/** What runs under one stack root: Kafka and S3, each running or not. */
public record StackStatus(Path root, ComponentStatus kafka, ComponentStatus s3) {
    public List<ComponentStatus> components() {
        return List.of(kafka, s3);
    }

    public boolean allRunning() {
        return kafka.running() && s3.running();
    }

    public boolean noneRunning() {
        return !kafka.running() && !s3.running();
    }
}
