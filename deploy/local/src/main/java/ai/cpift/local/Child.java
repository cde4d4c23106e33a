package ai.cpift.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One child JVM of the stack, known by its pid file: the pid file outlives the JVM that started it,
 * which is what lets {@code cpift stack down} stop a stack that {@code cpift stack up} left running.
 * The file holds the pid and the process' start time, so a pid the OS reused for another process is
 * not taken for ours (the command line is no help: right after the start it is still the spawn helper's).
 */
record Child(String name, Path pidFile, Path logFile) {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** The live process of the pid file, if it is still ours. */
    Optional<ProcessHandle> running() {
        String[] f = pidFileFields();
        if (f.length == 0) {
            return Optional.empty();
        }
        long started = f.length > 1 ? Long.parseLong(f[1]) : -1;
        return ProcessHandle.of(Long.parseLong(f[0])).filter(ProcessHandle::isAlive)
                .filter(h -> started < 0 || startMillis(h) < 0 || startMillis(h) == started);
    }

    long pid() {
        String[] f = pidFileFields();
        return f.length == 0 ? -1 : Long.parseLong(f[0]);
    }

    private String[] pidFileFields() {
        try {
            if (!Files.exists(pidFile)) {
                return new String[0];
            }
            String[] f = Files.readString(pidFile).strip().split("\\s+");
            for (String x : f) {
                Long.parseLong(x);
            }
            return f;
        } catch (IOException | NumberFormatException e) {
            return new String[0];
        }
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    /**
     * Starts the command with its output appended to the log file. Detached children get their own
     * session (setsid) so that closing the terminal that ran {@code cpift stack up} does not hang them up.
     */
    ProcessHandle start(List<String> command, boolean detached) throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, "\n=== cpift: starting " + name + " at " + Instant.now() + "\n=== " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> cmd = new ArrayList<>();
        if (detached && Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Files.writeString(pidFile, p.pid() + " " + startMillis(p.toHandle()) + "\n");
        return p.toHandle();
    }

    /** SIGTERM, then SIGKILL after the grace period; true if something was running. */
    boolean stop(Duration grace) throws IOException {
        Optional<ProcessHandle> h = running();
        if (h.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return false;
        }
        ProcessHandle p = h.get();
        p.destroy();
        try {
            p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Reported below: a process that survives SIGKILL is for the user to look at.
            }
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
        if (p.isAlive()) {
            throw new IOException(name + " (pid " + p.pid() + ") did not stop after SIGTERM and SIGKILL; kill it by hand");
        }
        Files.deleteIfExists(pidFile);
        return true;
    }

    /** The last lines of the log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log at " + logFile + ")";
        }
    }
}
