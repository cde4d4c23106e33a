package ai.cpift.k8s;

import ai.cpift.events.Topic;
import ai.cpift.events.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the code says a service reads, found in its sources (not copied into the tests): config keys of the
 * {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injections, the keys of application.properties, and
 * the stage binding's service name (its consumer group is {@code cpift-<service>}, see StageWorker) and input topics.
 * Parsing sources keeps this module off the services' classpath (DJL, RocksDB); a shape this parser does not
 * understand fails the tests instead of passing them.
 */
final class CodeFacts {
    static final Path ROOT = findRoot();
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    private static final Pattern PROPERTY = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.<>, ?]+?)\\s+(\\w+)\\(\\);");
    private static final Pattern NESTED = Pattern.compile("^\\s*(?:public\\s+)?interface\\s+(\\w+)\\s*\\{");

    /** One service module: its config keys (exact, and prefixes of maps) and its stage binding. */
    record Service(String module, Set<String> keys, Set<String> mapPrefixes, String stage, List<Topic<?>> inputs,
                   Properties properties) {
    }

    private CodeFacts() {
    }

    /** The service in module {@code module} (e.g. trainer-service), with the service kit's platform keys. */
    static Service service(String module) {
        Set<String> keys = new TreeSet<>();
        Set<String> maps = new TreeSet<>();
        for (String m : List.of("cpift-service-kit", "cpift-platform", module)) {
            for (Path java : javaFiles(ROOT.resolve(m).resolve("src/main/java"))) {
                String src = read(java);
                Matcher mm = MAPPING.matcher(src);
                if (mm.find()) {
                    int before = keys.size() + maps.size();
                    mapping(src, mm.group(1), keys, maps);
                    if (keys.size() + maps.size() == before) {
                        throw new IllegalStateException(java + ": a @ConfigMapping whose keys this parser found none of; fix CodeFacts");
                    }
                }
                Matcher pm = PROPERTY.matcher(src);
                while (pm.find()) {
                    keys.add(pm.group(1));
                }
            }
        }
        Properties props = new Properties();
        Path app = ROOT.resolve(module).resolve("src/main/resources/application.properties");
        try (var in = Files.newBufferedReader(app)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String k : props.stringPropertyNames()) {
            if (!k.startsWith("%")) {
                keys.add(k.replace("\"", ""));
            }
        }
        String stage = null;
        List<Topic<?>> inputs = List.of();
        for (Path java : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
            String src = read(java);
            if (src.contains("implements StageBinding")) {
                stage = stageName(java, src);
                inputs = inputs(java, src);
            }
        }
        return new Service(module, keys, maps, stage, inputs, props);
    }

    /** Keys of one mapping interface: methods become kebab-case keys, nested interfaces (by return type) prefixes. */
    private static void mapping(String src, String prefix, Set<String> keys, Set<String> maps) {
        Map<String, List<String[]>> bodies = new LinkedHashMap<>();
        String current = "";
        List<String> stack = new ArrayList<>();
        int depth = 0;
        for (String line : src.split("\n")) {
            Matcher n = NESTED.matcher(line);
            if (n.find() && depth >= 1) {
                stack.add(current);
                current = n.group(1);
            }
            Matcher m = METHOD.matcher(line);
            if (m.find() && depth >= 1 && !line.contains("default ") && !line.contains("static ")) {
                bodies.computeIfAbsent(current, x -> new ArrayList<>()).add(new String[]{m.group(1).trim(), m.group(2)});
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 1 && !stack.isEmpty()) {
                        current = stack.removeLast();
                    }
                }
            }
        }
        collect(bodies, "", prefix, keys, maps);
    }

    private static void collect(Map<String, List<String[]>> bodies, String type, String prefix, Set<String> keys, Set<String> maps) {
        for (String[] m : bodies.getOrDefault(type, List.of())) {
            String key = prefix + "." + m[1].replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (bodies.containsKey(m[0])) {
                collect(bodies, m[0], key, keys, maps);
            } else if (m[0].startsWith("Map<")) {
                maps.add(key);
            } else {
                keys.add(key);
            }
        }
    }

    private static String stageName(Path java, String src) {
        Matcher m = Pattern.compile("String service\\(\\)\\s*\\{\\s*return\\s+(?:\"([^\"]+)\"|(\\w+));").matcher(src);
        if (!m.find()) {
            throw new IllegalStateException(java + ": service() does not return a literal or a constant; fix CodeFacts");
        }
        if (m.group(1) != null) {
            return m.group(1);
        }
        Matcher c = Pattern.compile("\\b" + m.group(2) + "\\s*=\\s*\"([^\"]+)\"").matcher(src);
        if (!c.find()) {
            throw new IllegalStateException(java + ": constant " + m.group(2) + " not found; fix CodeFacts");
        }
        return c.group(1);
    }

    private static List<Topic<?>> inputs(Path java, String src) {
        Matcher m = Pattern.compile("inputs\\(\\)\\s*\\{\\s*return\\s+List\\.of\\(([^)]*)\\)").matcher(src);
        if (!m.find()) {
            throw new IllegalStateException(java + ": inputs() is not List.of(Topics.X, ...); fix CodeFacts");
        }
        List<Topic<?>> topics = new ArrayList<>();
        for (String t : m.group(1).split(",")) {
            String field = t.trim().replace("Topics.", "");
            try {
                topics.add((Topic<?>) Topics.class.getField(field).get(null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(java + ": input " + t + " is not a Topics field", e);
            }
        }
        return topics;
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("cpift-service-kit")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("the repository root (with cpift-service-kit/) is not above " + Path.of("").toAbsolutePath());
    }
}
