package ai.cpift.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;

/** Loopback port checks: a port taken by someone else is a clear error, not a broker log to dig through. */
final class Ports {
    private Ports() {
    }

    static void requireFree(int port, String what, Path root) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (IOException e) {
            throw new IOException("port " + port + " on 127.0.0.1 (" + what + ") is in use by another process, not by the stack under "
                    + root + ": stop that process (ss -ltnp 'sport = :" + port + "' names it) or start the stack with other ports", e);
        }
    }

    static boolean open(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
