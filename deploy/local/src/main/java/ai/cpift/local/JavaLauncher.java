package ai.cpift.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Where the child JVMs' java, classpath and S3Proxy jar come from. */
final class JavaLauncher {
    static final String S3PROXY_VERSION = "4.1.0";
    static final String S3PROXY_JAR_ENV = "CPIFT_S3PROXY_JAR";

    private JavaLauncher() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's classpath with manifest Class-Path entries spelled out: under {@code java -jar} or a
     * Surefire booter jar the classpath is one jar pointing at the rest, and the booter jar is deleted
     * when the test JVM ends, while the broker may still need to load classes.
     */
    static String kafkaClasspath() {
        Set<String> out = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                expand(Path.of(e).toAbsolutePath(), out);
            }
        }
        List<URL> urls = new ArrayList<>();
        for (String e : out) {
            try {
                urls.add(Path.of(e).toUri().toURL());
            } catch (IOException ignored) {
                // A malformed entry cannot hold the broker either.
            }
        }
        try (URLClassLoader l = new URLClassLoader(urls.toArray(URL[]::new), null)) {
            for (String c : new String[]{"kafka/server/KafkaRaftServer.class", "org/apache/kafka/server/config/AbstractKafkaConfig.class",
                    "ai/cpift/local/KafkaNode.class"}) {
                if (l.findResource(c) == null) {
                    throw new IllegalStateException("the Kafka child JVM runs on this JVM's classpath, which lacks " + c
                            + ": depend on ai.cpift:cpift-local (it brings org.apache.kafka:kafka_2.13 and kafka-server)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join(File.pathSeparator, out);
    }

    private static void expand(Path entry, Set<String> out) {
        if (!out.add(entry.toString()) || !Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return;
            }
            for (String ref : cp.trim().split("\\s+")) {
                try {
                    URL u = entry.getParent().toUri().resolve(ref).toURL();
                    if ("file".equals(u.getProtocol())) {
                        expand(Path.of(u.toURI()), out);
                    }
                } catch (IOException | URISyntaxException | IllegalArgumentException ignored) {
                    // Entries the JVM itself would skip.
                }
            }
        } catch (IOException ignored) {
            // Not a readable jar: leave it as it was.
        }
    }

    /** The classes folder or jar of cpift-local, for wrapping S3Proxy in {@link ParentWatch}; null if unknown. */
    static String ownLocation() {
        try {
            var src = JavaLauncher.class.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** S3Proxy's fat jar: env, then the build output under CPIFT_HOME, then the Maven local repository. */
    static Path s3proxyJar(Map<String, String> env) throws IOException {
        List<Path> tried = new ArrayList<>();
        String explicit = env.get(S3PROXY_JAR_ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (Files.isRegularFile(p)) {
                return p;
            }
            throw new IOException(S3PROXY_JAR_ENV + "=" + explicit + ": no such file; point it at s3proxy-"
                    + S3PROXY_VERSION + "-jar-with-dependencies.jar or unset it");
        }
        String home = env.get("CPIFT_HOME");
        if (home != null && !home.isBlank()) {
            tried.add(Path.of(home, "deploy", "local", "target", "s3proxy", "s3proxy.jar"));
        }
        tried.add(Path.of("deploy", "local", "target", "s3proxy", "s3proxy.jar").toAbsolutePath());
        String m2 = System.getProperty("maven.repo.local");
        Path repo = m2 != null ? Path.of(m2) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        tried.add(repo.resolve(Path.of("org", "gaul", "s3proxy", S3PROXY_VERSION,
                "s3proxy-" + S3PROXY_VERSION + "-jar-with-dependencies.jar")));
        for (Path p : tried) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("S3Proxy " + S3PROXY_VERSION + " jar not found; looked at " + tried + " and env "
                + S3PROXY_JAR_ENV + "; build it with: mvn -DskipTests package -pl deploy/local (from the repository root)");
    }
}
