package ai.cpift.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The three TCP ports of a stack, all on 127.0.0.1. */
public record StackPorts(int kafka, int controller, int s3) {
    /** The user's stack: fixed so that the endpoints stay the same from one day to the next. */
    public static final StackPorts DEFAULT = new StackPorts(19092, 19093, 19000);
    static final String FILE_NAME = "ports.properties";

    public StackPorts {
        for (int p : new int[]{kafka, controller, s3}) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("stack port " + p + " is not a TCP port (1..65535)");
            }
        }
        if (kafka == controller || kafka == s3 || controller == s3) {
            throw new IllegalArgumentException("stack ports must differ: kafka " + kafka + ", controller " + controller + ", s3 " + s3);
        }
    }

    /** Three ports free right now (tests): the OS picks them, so parallel test JVMs do not collide. */
    public static StackPorts ephemeral() {
        try (ServerSocket a = free(); ServerSocket b = free(); ServerSocket c = free()) {
            return new StackPorts(a.getLocalPort(), b.getLocalPort(), c.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }

    private static ServerSocket free() throws IOException {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    /** The ports a stack under {@code root} last started with, if any. */
    static StackPorts readOrNull(Path root) throws IOException {
        Path f = root.resolve("run").resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        try {
            return new StackPorts(Integer.parseInt(p.getProperty("kafka")), Integer.parseInt(p.getProperty("controller")),
                    Integer.parseInt(p.getProperty("s3")));
        } catch (RuntimeException e) {
            throw new IOException(f + ": not a valid ports file (" + e.getMessage() + "); delete it to use the default ports", e);
        }
    }

    void write(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("run"));
        Files.writeString(dir.resolve(FILE_NAME), "# ports the local stack under this root uses\nkafka=" + kafka
                + "\ncontroller=" + controller + "\ns3=" + s3 + "\n");
    }
}
