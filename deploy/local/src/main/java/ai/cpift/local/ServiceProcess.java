package ai.cpift.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service (a packaged Quarkus app, {@code quarkus-run.jar}) as a child JVM, the way the demo and the
 * end-to-end tests run the platform: configuration as system properties, except secrets, which go in
 * the environment (Quarkus maps {@code CPIFT_S3_SECRET_KEY} to {@code cpift.s3.secret-key}) so they do
 * not show in {@code ps}; output to a log file; ready when {@code /q/health/ready} says UP.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param name     the service name (trainer, mask, cluster, fusion)
     * @param jar      its {@code quarkus-run.jar}
     * @param httpPort where its health and metrics answer
     * @param config   Quarkus configuration; keys containing {@code secret} are passed in the environment
     * @param log      where its output goes (appended: a restarted service keeps its history)
     * @param jvmArgs  extra JVM options (heap, DJL threads)
     */
    public record Spec(String name, Path jar, int httpPort, Map<String, String> config, Path log, List<String> jvmArgs) {
        public Spec {
            config = Map.copyOf(config);
            jvmArgs = List.copyOf(jvmArgs);
        }
    }

    private final Spec spec;
    private final Process process;

    private ServiceProcess(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    public static ServiceProcess start(Spec spec) throws IOException {
        if (!Files.isRegularFile(spec.jar())) {
            throw new IOException(spec.name() + "-service: " + spec.jar() + " does not exist; fix: build it with "
                    + "mvn -DskipTests package -pl " + spec.name() + "-service -am");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(JavaLauncher.java());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(spec.jvmArgs());
        cmd.add("-Dquarkus.http.port=" + spec.httpPort());
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        ProcessBuilder pb = new ProcessBuilder();
        spec.config().forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).contains("secret")) {
                pb.environment().put(k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), v);
            } else {
                cmd.add("-D" + k + "=" + v);
            }
        });
        cmd.add("-jar");
        cmd.add(spec.jar().toString());
        pb.environment().putIfAbsent("DJL_OFFLINE", "true");
        pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
        Files.createDirectories(spec.log().toAbsolutePath().getParent());
        pb.command(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log().toFile()));
        return new ServiceProcess(spec, pb.start());
    }

    public Spec spec() {
        return spec;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until the service reports ready; fails with the tail of its log if it dies or takes too long. */
    public ServiceProcess awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + spec.httpPort() + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(spec.name() + "-service exited with code " + process.exitValue() + " before it was ready; its log "
                        + spec.log() + " ends with:\n" + tail(40));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + spec.name() + "-service", e);
            }
            sleep(250);
        }
        throw new IOException(spec.name() + "-service was not ready within " + timeout.toSeconds() + " s; its log " + spec.log()
                + " ends with:\n" + tail(40));
    }

    /** Asks the service to stop (SIGTERM: Quarkus shuts down gracefully), then kills it after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Kills the service at once (SIGKILL): a crash, for fault tests. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** The last {@code lines} lines of its log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(spec.log(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(20));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
