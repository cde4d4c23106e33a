package ai.cpift.service;

import ai.cpift.events.Topic;
import ai.cpift.platform.kafka.StageHandler;

import java.util.List;

/**
 * A service's stage: what it consumes, what it emits, and the handler between. Every
 * {@code @ApplicationScoped} bean implementing it gets a {@link ai.cpift.platform.kafka.StageWorker}
 * from {@link StageWorkers}.
 */
public interface StageBinding {
    /** Service name: consumer group {@code cpift-<service>}, {@code ce_source} {@code <service>/<instance>}. */
    String service();

    List<Topic<?>> inputs();

    List<Topic<?>> outputs();

    StageHandler handler();
}
