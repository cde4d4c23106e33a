package ai.cpift.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark's measured part in a child JVM with a fixed heap, so a memory target (such as
 * -Xmx256m) holds by construction rather than by trust. The child shares this process's standard
 * streams.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    static int run(String heap, List<String> args) throws IOException, InterruptedException {
        return run(heap, List.of(), args);
    }

    /** As {@link #run(String, List)}, with extra JVM options (system properties such as DJL's thread counts). */
    static int run(String heap, List<String> jvmOptions, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap); if (Boolean.getBoolean("cpift.trace")) cmd.add("-Dcpift.trace=true");
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
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        try {
            return p.waitFor();
        } finally {
            p.destroyForcibly();
        }
    }
}
