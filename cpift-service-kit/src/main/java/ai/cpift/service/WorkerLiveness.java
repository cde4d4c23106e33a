package ai.cpift.service;

import ai.cpift.platform.kafka.WorkerStats;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.util.Map;

/** Live while every stage worker's consumer loop runs (a dead loop needs a restart). */
@Liveness
@ApplicationScoped
public class WorkerLiveness implements HealthCheck {
    private final StageWorkers workers;

    public WorkerLiveness(StageWorkers workers) {
        this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("cpift-stage-workers").up();
        for (Map.Entry<String, WorkerStats> e : workers.stats().entrySet()) {
            WorkerStats s = e.getValue();
            b.withData(e.getKey() + ".running", s.running()).withData(e.getKey() + ".assigned", s.assigned())
                    .withData(e.getKey() + ".in-flight", s.inFlight() == null ? "none" : s.inFlight());
            if (s.lastError() != null) {
                b.withData(e.getKey() + ".last-error", s.lastError());
            }
            if (!s.running()) {
                b.down();
            }
        }
        return b.build();
    }
}
