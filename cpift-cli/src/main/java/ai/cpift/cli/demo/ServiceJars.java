package ai.cpift.cli.demo;

import ai.cpift.local.PlatformServices;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The services' packaged jars, built by Maven the first time they are needed (as ./cpift builds the CLI). */
final class ServiceJars {
    private ServiceJars() {
    }

    /** The service jars are built by Maven the first time (like the ./cpift script builds the CLI). */
    static void buildIfMissing(Path repo, PrintWriter err) throws IOException, InterruptedException {
        List<String> missing = PlatformServices.NAMES.stream().filter(n -> !Files.isRegularFile(PlatformServices.jar(repo, n))).toList();
        if (missing.isEmpty()) {
            return;
        }
        DemoCommand.say(err, "building the services " + missing + " (first run only, a few minutes)");
        String modules = String.join(",", missing.stream().map(n -> n + "-service").toList());
        ProcessBuilder pb = new ProcessBuilder("mvn", "-q", "-B", "-DskipTests", "package", "-pl", modules, "-am").directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IOException("building " + modules + " failed (mvn exit " + rc + "); fix: run mvn -DskipTests package -pl " + modules
                    + " -am in " + repo + " and read its errors");
        }
    }

    /** The repository: $CPIFT_HOME (set by ./cpift), else the working directory. */
    static Path repo() {
        String h = System.getenv("CPIFT_HOME");
        Path p = (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("pom.xml")) || !Files.isDirectory(p.resolve("trainer-service"))) {
            throw new IllegalArgumentException("cpift demo runs from the repository: " + p + " is not it; fix: run ./cpift demo "
                    + "from the clone (the script sets CPIFT_HOME)");
        }
        return p;
    }

}
