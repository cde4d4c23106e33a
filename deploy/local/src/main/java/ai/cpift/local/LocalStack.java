package ai.cpift.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The local stack under one root folder: a single-node KRaft Kafka and an S3Proxy server, each its own
 * child JVM on 127.0.0.1. Data lives in {@code root/kafka} and {@code root/s3}, pids, logs and ports in
 * {@code root/run}, keys in {@code root/credentials.properties}, endpoints in {@code root/stack.json}.
 * Everything is found again from the files, so {@code up}, {@code down} and {@code status} may run in
 * different processes.
 */
public final class LocalStack {
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path root;
    private final StackPorts requestedPorts;
    private final boolean stopOnExit;
    private final Duration startTimeout;
    private final Child kafka;
    private final Child s3;
    private boolean hookInstalled;

    private LocalStack(Path root, StackPorts ports, boolean stopOnExit, Duration startTimeout) {
        this.root = root.toAbsolutePath().normalize();
        this.requestedPorts = ports;
        this.stopOnExit = stopOnExit;
        this.startTimeout = startTimeout;
        Path run = this.root.resolve("run");
        this.kafka = new Child("kafka", run.resolve("kafka.pid"), run.resolve("kafka.log"));
        this.s3 = new Child("s3", run.resolve("s3.pid"), run.resolve("s3.log"));
    }

    /** The stack under {@code root} (like {@code <repo>/.cpift}), on the ports it last used or the defaults. */
    public static LocalStack at(Path root) {
        return new LocalStack(Objects.requireNonNull(root, "root"), null, false, Duration.ofSeconds(90));
    }

    public LocalStack withPorts(StackPorts ports) {
        return new LocalStack(root, Objects.requireNonNull(ports, "ports"), stopOnExit, startTimeout);
    }

    /** Free ports chosen now, for tests that may run next to a user's stack or another test JVM. */
    public LocalStack withEphemeralPorts() {
        return withPorts(StackPorts.ephemeral());
    }

    /**
     * Children die with this JVM: a shutdown hook stops them and each child watches this JVM's pid, so
     * that even a test JVM killed with SIGKILL leaves nothing behind. Without it (the CLI) they are
     * detached and keep running until {@link #down()}.
     */
    public LocalStack stopOnExit() {
        return new LocalStack(root, requestedPorts, true, startTimeout);
    }

    public LocalStack withStartTimeout(Duration timeout) {
        return new LocalStack(root, requestedPorts, stopOnExit, Objects.requireNonNull(timeout, "timeout"));
    }

    public Path root() {
        return root;
    }

    /** The explicit ports, else those the stack under this root last started with, else {@link StackPorts#DEFAULT}. */
    public StackPorts ports() throws IOException {
        if (requestedPorts != null) {
            return requestedPorts;
        }
        StackPorts saved = StackPorts.readOrNull(root);
        return saved != null ? saved : StackPorts.DEFAULT;
    }

    /**
     * Starts whatever is not running, waits until Kafka answers an admin call and S3 a bucket call
     * (creating the bucket on first start), writes {@code stack.json} and returns the endpoints.
     * Idempotent: a healthy running stack is only checked.
     */
    public synchronized StackEndpoints up() throws IOException {
        Files.createDirectories(root.resolve("run"));
        Files.createDirectories(root.resolve("kafka"));
        Files.createDirectories(root.resolve("s3"));
        Credentials keys = Credentials.loadOrCreate(root);
        StackPorts saved = StackPorts.readOrNull(root);
        boolean kafkaRunning = kafka.running().isPresent();
        boolean s3Running = s3.running().isPresent();
        StackPorts ports = ports();
        if ((kafkaRunning || s3Running) && saved != null && !saved.equals(ports)) {
            throw new IOException("the stack under " + root + " already runs on ports " + saved + ", not " + ports
                    + ": stop it first (cpift stack down --home " + root + ")");
        }
        if (stopOnExit) {
            installHook();
        }
        List<Child> started = new ArrayList<>();
        try {
            if (!kafkaRunning) {
                Ports.requireFree(ports.kafka(), "Kafka", root);
                Ports.requireFree(ports.controller(), "the Kafka controller", root);
                Files.deleteIfExists(readyFile());
                kafka.start(kafkaCommand(ports), !stopOnExit);
                started.add(kafka);
            }
            if (!s3Running) {
                Ports.requireFree(ports.s3(), "S3", root);
                s3.start(s3Command(ports, keys), !stopOnExit);
                started.add(s3);
            }
            ports.write(root);
            StackEndpoints endpoints = new StackEndpoints("127.0.0.1:" + ports.kafka(), "http://127.0.0.1:" + ports.s3(),
                    keys.accessKey(), keys.secretKey(), StackEndpoints.DEFAULT_BUCKET);
            Deadline deadline = new Deadline(startTimeout);
            Health.awaitKafka(kafka, endpoints.kafkaBootstrap(), deadline);
            Health.awaitS3(s3, endpoints, deadline, root);
            endpoints.write(root);
            return endpoints;
        } catch (IOException | RuntimeException e) {
            for (Child c : started) {
                try {
                    c.stop(Duration.ofSeconds(10));
                } catch (IOException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            throw e;
        }
    }

    /** Stops both children (SIGTERM, then SIGKILL after 30 s); data stays for the next {@link #up()}. */
    public synchronized void down() throws IOException {
        stopAll();
    }

    // Unsynchronized: the shutdown hook must not wait for an up() that the exiting JVM will never finish.
    private void stopAll() throws IOException {
        // Stopped side by side: Kafka's clean shutdown takes a few seconds, S3Proxy's none.
        Thread s3Stop = Thread.ofVirtual().start(() -> {
            try {
                s3.stop(STOP_GRACE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        kafka.stop(STOP_GRACE);
        try {
            s3Stop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (s3.running().isPresent()) {
            throw new IOException("S3Proxy (pid " + s3.pid() + ") did not stop; kill it by hand");
        }
    }

    /** Which children run, on which ports, with how much data; reads files and the process table only. */
    public StackStatus status() throws IOException {
        StackPorts ports = ports();
        return new StackStatus(root, component(kafka, ports.kafka(), "127.0.0.1:" + ports.kafka(), root.resolve("kafka")),
                component(s3, ports.s3(), "http://127.0.0.1:" + ports.s3(), root.resolve("s3")));
    }

    private ComponentStatus component(Child c, int port, String endpoint, Path data) throws IOException {
        var h = c.running();
        return new ComponentStatus(c.name(), h.isPresent(), h.map(ProcessHandle::pid).orElse(-1L), port, endpoint, size(data), c.logFile());
    }

    private static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (UncheckedIOException e) {
            return 0; // Kafka deletes segments while we walk; a size is only a hint.
        }
    }

    private Path readyFile() {
        return root.resolve("run").resolve("kafka.ready");
    }

    private List<String> kafkaCommand(StackPorts ports) {
        List<String> cmd = new ArrayList<>(List.of(JavaLauncher.java(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                // C1 only: far less JIT work at start on a small shared machine; a local broker is never the bottleneck.
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true"));
        watchArg(cmd);
        cmd.addAll(List.of("-cp", JavaLauncher.kafkaClasspath(), KafkaNode.class.getName(), root.resolve("kafka").toString(),
                Integer.toString(ports.kafka()), Integer.toString(ports.controller()), readyFile().toString()));
        return cmd;
    }

    private List<String> s3Command(StackPorts ports, Credentials keys) throws IOException {
        Path jar = JavaLauncher.s3proxyJar(System.getenv());
        Path props = root.resolve("run").resolve("s3proxy.properties");
        // S3Proxy holds each signed part in memory: 64 MiB parts need the raised limit and the heap for two at a time.
        PrivateFiles.write(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + ports.s3(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + keys.accessKey(),
                "s3proxy.credential=" + keys.secretKey(),
                "s3proxy.v4-max-non-chunked-request-size=" + (256L << 20),
                "jclouds.provider=filesystem",
                "jclouds.identity=local",
                "jclouds.credential=local",
                "jclouds.filesystem.basedir=" + root.resolve("s3"), ""));
        List<String> cmd = new ArrayList<>(List.of(JavaLauncher.java(), "-Xmx768m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        String own = stopOnExit ? JavaLauncher.ownLocation() : null;
        if (own != null) {
            watchArg(cmd);
            cmd.addAll(List.of("-cp", jar + java.io.File.pathSeparator + own, ParentWatch.class.getName()));
        } else {
            cmd.addAll(List.of("-cp", jar.toString()));
        }
        cmd.addAll(List.of("org.gaul.s3proxy.Main", "--properties", props.toString()));
        return cmd;
    }

    private void watchArg(List<String> cmd) {
        if (stopOnExit) {
            cmd.add("-D" + ParentWatch.PROPERTY + "=" + ProcessHandle.current().pid());
        }
    }

    private void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stopAll();
            } catch (IOException | RuntimeException e) {
                System.err.println("cpift: stopping the local stack under " + root + " failed: " + e.getMessage());
            }
        }, "cpift-stack-stop"));
    }
}
