package ai.cpift.local;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A single-node KRaft Kafka (broker and controller in one process) on 127.0.0.1: the main class of the
 * stack's Kafka child JVM. {@code KafkaNode LOGDIR BROKER_PORT CONTROLLER_PORT [READY_FILE]}.
 * Formats the log dir on first start only (reformatting a formatted dir with a new cluster id fails, and
 * the data must survive restarts), writes READY_FILE once it serves, stops cleanly on SIGTERM.
 */
public final class KafkaNode {
    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: KafkaNode LOGDIR BROKER_PORT CONTROLLER_PORT [READY_FILE]");
            System.exit(2);
        }
        ParentWatch.install();
        Path logDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Path ready = args.length == 4 ? Path.of(args[3]) : null;
        Properties props = config(logDir, port, controllerPort);
        Files.createDirectories(logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(props);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("cpift kafka: stopping");
            server.shutdown();
            server.awaitShutdown();
            deleteQuietly(ready);
            System.out.println("cpift kafka: stopped");
        }, "cpift-kafka-stop"));
        try {
            server.startup();
        } catch (Throwable t) {
            System.err.println("cpift kafka: could not start on 127.0.0.1:" + port + " with data in " + logDir);
            t.printStackTrace();
            System.exit(1);
        }
        if (ready != null) {
            Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
        }
        System.out.println("cpift kafka: ready on 127.0.0.1:" + port + " (data in " + logDir + ")");
        server.awaitShutdown();
    }

    /** One node, every listener on loopback, every replication factor 1 so transactions and EOS work. */
    static Properties config(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        // A single consumer should not wait 3 s for company before it gets its partitions.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB cleaner buffer dominates the heap of a broker this small.
        p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    private static void format(Properties props) throws IOException {
        Path cfg = Files.createTempFile("cpift-kafka-", ".properties");
        try {
            try (Writer w = Files.newBufferedWriter(cfg)) {
                props.store(w, "cpift local stack: format");
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int rc;
            try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString()}, out);
            }
            System.out.print(buf.toString(StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IOException("formatting the Kafka log dir " + props.getProperty("log.dirs") + " failed (exit " + rc
                        + "): " + buf.toString(StandardCharsets.UTF_8).strip() + "; delete the folder to start empty");
            }
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // The marker is only a hint; a stale one is overwritten at the next start.
        }
    }
}
