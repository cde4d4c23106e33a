package ai.cpift.local;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Ties a child JVM's life to the JVM that started it, when {@code -Dcpift.parent.pid} is set (test stacks):
 * a test JVM killed with SIGKILL runs no shutdown hook, and its broker must not keep running for days.
 * As a main class it wraps another one ({@code ParentWatch MAINCLASS ARGS...}): used for S3Proxy, whose
 * main we do not own.
 */
public final class ParentWatch {
    static final String PROPERTY = "cpift.parent.pid";

    private ParentWatch() {
    }

    /** Starts the watch if the property names a parent; the JVM exits (running its hooks) when the parent is gone. */
    static void install() {
        String pid = System.getProperty(PROPERTY);
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle parent = ProcessHandle.of(Long.parseLong(pid.strip())).orElse(null);
        Thread t = new Thread(() -> {
            if (parent != null) {
                parent.onExit().join();
            }
            System.err.println("cpift: parent process " + pid + " is gone, stopping");
            System.exit(0);
        }, "cpift-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ParentWatch MAINCLASS [ARGS...]");
            System.exit(2);
        }
        install();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
