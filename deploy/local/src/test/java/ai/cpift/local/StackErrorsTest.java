package ai.cpift.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors a user meets name the input, the place and the fix; none of these starts a process. */
class StackErrorsTest {
    @TempDir
    Path root;

    @Test
    void busyPortIsNamed() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StackPorts free = StackPorts.ephemeral();
            LocalStack stack = LocalStack.at(root).withPorts(new StackPorts(busy.getLocalPort(), free.controller(), free.s3()));
            IOException e = assertThrows(IOException.class, stack::up);
            assertTrue(e.getMessage().contains("port " + busy.getLocalPort() + " on 127.0.0.1 (Kafka) is in use"), e.getMessage());
            assertTrue(stack.status().noneRunning());
        }
    }

    @Test
    void missingStackJsonSaysHowToStartOne() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> StackEndpoints.read(root));
        assertTrue(e.getReason().contains("cpift stack up"), e.getReason());
    }

    @Test
    void missingS3ProxyJarSaysWhereItLookedAndHowToBuildIt() {
        IOException e = assertThrows(IOException.class, () -> JavaLauncher.s3proxyJar(Map.of("CPIFT_S3PROXY_JAR", "/nonexistent/s3proxy.jar")));
        assertTrue(e.getMessage().contains("/nonexistent/s3proxy.jar"), e.getMessage());
        String home = root.toString();
        System.setProperty("maven.repo.local", root.resolve("m2").toString());
        try {
            IOException e2 = assertThrows(IOException.class, () -> JavaLauncher.s3proxyJar(Map.of("CPIFT_HOME", home)));
            assertTrue(e2.getMessage().contains(home) && e2.getMessage().contains("mvn -DskipTests package -pl deploy/local"), e2.getMessage());
        } finally {
            System.clearProperty("maven.repo.local");
        }
    }
}
