package ai.cpift.cli.stack;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** {@code --home DIR}: the stack's folder, by default {@code $CPIFT_HOME/.cpift} (the ./cpift script sets CPIFT_HOME). */
public final class StackHome {
    @Option(names = "--home", paramLabel = "DIR",
            description = "The stack's folder (data, logs, keys, stack.json). Default: $CPIFT_HOME/.cpift, else ./.cpift.")
    Path home;

    public Path root() {
        return root(home, System.getenv());
    }

    public static Path root(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            return explicit.toAbsolutePath().normalize();
        }
        String cpiftHome = env.get("CPIFT_HOME");
        Path base = cpiftHome == null || cpiftHome.isBlank() ? Path.of("") : Path.of(cpiftHome);
        return base.resolve(".cpift").toAbsolutePath().normalize();
    }
}
