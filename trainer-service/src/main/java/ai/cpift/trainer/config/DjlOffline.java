package ai.cpift.trainer.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps DJL offline unless told otherwise: libtorch ships inside the app (pytorch-native-cpu), and an
 * engine that is not offline probes telemetry and the cloud metadata address on start, which on a
 * node without internet costs retries and timeouts. DJL reads {@code DJL_OFFLINE} or
 * {@code ai.djl.offline} when the engine starts; this runs first among the startup observers, long
 * before the first training.
 */
@ApplicationScoped
public class DjlOffline {
    void offline(@Observes @Priority(1) StartupEvent e) {
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
