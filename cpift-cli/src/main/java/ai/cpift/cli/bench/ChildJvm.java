package ai.cpift.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark's measured part in a child JVM with a fixed heap, so a memory target (such as
 * -Xmx256m) holds by construction rather than by trust. The child gets the same JVM as this
 * process, native access, and {@code jdk.incubator.vector} when this process has it (so the
 * child measures the kernels the command line would use).
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** The command line of a child running {@code cpift args} under {@code -Xmx<heap>}, with extra JVM options. */
    static List<String> command(String heap, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("ai.cpift.cli.Cpift");
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the child sharing this process's standard streams; returns its exit code. */
    static int run(String heap, List<String> args) throws IOException, InterruptedException {
        return run(heap, List.of(), args);
    }

    /** As {@link #run(String, List)}, with extra JVM options (system properties such as DJL's thread counts). */
    static int run(String heap, List<String> jvmOptions, List<String> args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(heap, jvmOptions, args)).inheritIO().start();
        try {
            return p.waitFor();
        } finally {
            p.destroyForcibly();
        }
    }

    /** The exit code and the standard output of a child run. */
    record Result(int exitCode, String stdout) {
    }

    /** Runs the child with its standard error passed through and its standard output captured. */
    static Result capture(String heap, List<String> args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(heap, List.of(), args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Result(p.waitFor(), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
