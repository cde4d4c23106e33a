package ai.cpift.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four services of the platform started as child JVMs against one stack, each with its own work
 * dir and HTTP port: what {@code cpift demo} runs and what the end-to-end tests start, stop and kill.
 */
public final class PlatformServices implements AutoCloseable {
    /** The services in the order of the method's stages, with their HTTP ports offset from a base port. */
    public static final List<String> NAMES = List.of("trainer", "mask", "cluster", "fusion");

    private final Map<String, ServiceProcess> running = new LinkedHashMap<>();
    private final Path repo;
    private final Path home;
    private final StackEndpoints endpoints;
    private final int basePort;
    private final Map<String, String> extra;

    /**
     * @param repo      the repository root (where {@code <name>-service/target/quarkus-app} lie)
     * @param home      where the services' work dirs and logs go
     * @param endpoints the stack
     * @param basePort  HTTP port of the first service; the others follow
     * @param extra     more configuration for every service (e.g. {@code cpift.threads})
     */
    public PlatformServices(Path repo, Path home, StackEndpoints endpoints, int basePort, Map<String, String> extra) {
        this.repo = repo;
        this.home = home;
        this.endpoints = endpoints;
        this.basePort = basePort;
        this.extra = Map.copyOf(extra);
    }

    public static Path jar(Path repo, String name) {
        return repo.resolve(name + "-service").resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }

    /** Starts every service not running and waits until all are ready. */
    public void startAll(Duration timeout) throws IOException {
        List<String> started = new ArrayList<>();
        for (String n : NAMES) {
            if (!running.containsKey(n) || !running.get(n).alive()) {
                running.put(n, ServiceProcess.start(spec(n)));
                started.add(n);
            }
        }
        for (String n : started) {
            running.get(n).awaitReady(timeout);
        }
    }

    public ServiceProcess start(String name, Duration timeout) throws IOException {
        ServiceProcess p = ServiceProcess.start(spec(name));
        running.put(name, p);
        return p.awaitReady(timeout);
    }

    public ServiceProcess get(String name) {
        return running.get(name);
    }

    public ServiceProcess.Spec spec(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no service '" + name + "'; the services are " + NAMES);
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put("kafka.bootstrap.servers", endpoints.kafkaBootstrap());
        c.put("cpift.s3.endpoint", endpoints.s3Endpoint());
        c.put("cpift.s3.access-key", endpoints.accessKey());
        c.put("cpift.s3.secret-key", endpoints.secretKey());
        c.put("cpift.s3.bucket", endpoints.bucket());
        c.put("cpift.instance", name + "-local");
        c.put("cpift.work-dir", home.resolve("work").resolve(name).toAbsolutePath().toString());
        c.putAll(extra);
        List<String> jvm = name.equals("trainer") ? List.of("-Xmx768m", "-Dai.djl.pytorch.num_threads=" + extra.getOrDefault("cpift.threads", "1"))
                : List.of("-Xmx384m");
        return new ServiceProcess.Spec(name, jar(repo, name), basePort + i, c, home.resolve("logs").resolve(name + ".log"), jvm);
    }

    @Override
    public void close() {
        List<ServiceProcess> all = new ArrayList<>(running.values());
        java.util.Collections.reverse(all);
        all.forEach(ServiceProcess::close);
        running.clear();
    }
}
