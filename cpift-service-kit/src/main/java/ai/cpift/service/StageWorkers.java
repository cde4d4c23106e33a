package ai.cpift.service;

import ai.cpift.platform.kafka.StageWorker;
import ai.cpift.platform.kafka.WorkerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Starts a {@link StageWorker} for every {@link StageBinding} when the service starts and closes them
 * (gracefully: the in-flight input may finish within {@code cpift.shutdown-grace}) when it stops, and
 * exports their counters.
 */
@ApplicationScoped
public class StageWorkers {
    private static final Logger LOG = Logger.getLogger(StageWorkers.class);
    private final Map<String, StageWorker> workers = new ConcurrentHashMap<>();
    private final Platform platform;
    private final Instance<StageBinding> bindings;
    private final MeterRegistry registry;

    public StageWorkers(Platform platform, Instance<StageBinding> bindings, MeterRegistry registry) {
        this.platform = platform;
        this.bindings = bindings;
        this.registry = registry;
    }

    void start(@Observes StartupEvent e) throws IOException {
        platform.store();
        for (StageBinding b : bindings) {
            StageWorker w = StageWorker.start(platform.kafka(), new StageWorker.Options(b.service(), platform.config().instance(),
                    b.inputs(), b.outputs(), platform.config().shutdownGrace()), b.handler());
            workers.put(b.service(), w);
            count(b.service(), "handled", s -> s.handled());
            count(b.service(), "failed", s -> s.failed());
            count(b.service(), "duplicate", s -> s.duplicates());
            Gauge.builder("cpift.stage.in.flight", w, x -> x.stats().inFlight() == null ? 0 : 1).tag("service", b.service())
                    .description("1 while an input is being handled").register(registry);
            LOG.infof("%s/%s consumes %s", b.service(), platform.config().instance(), b.inputs().stream().map(t -> t.name()).toList());
        }
    }

    void stop(@Observes ShutdownEvent e) {
        workers.values().forEach(StageWorker::close);
    }

    /** Each worker's stats by service name. */
    public Map<String, WorkerStats> stats() {
        Map<String, WorkerStats> m = new java.util.TreeMap<>();
        workers.forEach((k, v) -> m.put(k, v.stats()));
        return m;
    }

    public List<String> services() {
        return List.copyOf(workers.keySet());
    }

    private void count(String service, String outcome, ToDoubleFunction<WorkerStats> f) {
        FunctionCounter.builder("cpift.stage.inputs", this, x -> {
            StageWorker w = workers.get(service);
            return w == null ? 0 : f.applyAsDouble(w.stats());
        }).tags("service", service, "outcome", outcome).description("inputs answered, by outcome").register(registry);
    }
}
