package ai.cpift.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the bucket answers (a stat of a key that need not exist) and the workers run. */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {
    private final Platform platform;
    private final StageWorkers workers;

    public StoreReadiness(Platform platform, StageWorkers workers) {
        this.platform = platform;
        this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            platform.store().stat("health/ready-probe");
            boolean running = workers.stats().values().stream().allMatch(s -> s.running());
            return HealthCheckResponse.named("cpift-object-store").status(running)
                    .withData("endpoint", platform.config().s3().endpoint()).withData("bucket", platform.config().s3().bucket()).build();
        } catch (Exception e) {
            return HealthCheckResponse.named("cpift-object-store").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
