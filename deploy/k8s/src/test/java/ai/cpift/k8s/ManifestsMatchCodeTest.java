package ai.cpift.k8s;

import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every overlay against the code: topics, consumer groups, config keys, ports, probes, shutdown, secrets, GPUs. */
class ManifestsMatchCodeTest {
    /**
     * Environment variables a service reads that are not config keys: DJL's (trainer only). Anything else in a
     * manifest must map to a key the code reads, so a misspelt or stale key fails here instead of being ignored.
     */
    static final Map<String, Set<String>> PROCESS_ENV = Map.of("trainer", Set.of("DJL_OFFLINE", "OPT_OUT_TRACKING", "DJL_CACHE_DIR",
            "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR"));
    private static final String SENSITIVE = "(?i).*(secret|password|access_key|token|credential).*";

    @Test
    void everyTopicOfTheRegistryHasExactlyOneKafkaTopicWithItsPartitionsAndRetention() {
        for (Rendered r : Rendered.all()) {
            String cluster = r.kind("Kafka").getFirst().path("metadata").path("name").asText();
            Set<String> seen = new HashSet<>();
            for (ObjectNode t : r.kind("KafkaTopic")) {
                String name = t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText());
                Topic<?> topic = Topics.byName(name).orElseThrow(() -> new AssertionError(r.overlay() + ": KafkaTopic " + name
                        + " is not in the registry (Topics.ALL)"));
                assertTrue(seen.add(name), r.overlay() + ": two KafkaTopics for " + name);
                assertEquals(topic.partitions(), t.path("spec").path("partitions").asInt(), r.overlay() + ": partitions of " + name);
                assertEquals(topic.retentionMs(), t.path("spec").path("config").path("retention.ms").asLong(), r.overlay() + ": retention.ms of " + name);
                assertEquals(cluster, t.path("metadata").path("labels").path("strimzi.io/cluster").asText(), name + ": strimzi.io/cluster");
            }
            assertEquals(Topics.ALL.stream().map(Topic::name).collect(java.util.stream.Collectors.toSet()), seen, r.overlay());
            assertEquals(-1L, Topics.TASK_REGISTERED.retentionMs(), "the event log is kept forever");
        }
    }

    @Test
    void kedaScalesEachStageOnItsOwnConsumerGroupAndInputTopics() {
        for (Rendered r : Rendered.all()) {
            String bootstrap = r.get("ConfigMap", "cpift-platform").path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText();
            ObjectNode kafka = r.kind("Kafka").getFirst();
            JsonNode plain = kafka.path("spec").path("kafka").path("listeners").get(0);
            assertEquals(kafka.path("metadata").path("name").asText() + "-kafka-bootstrap:" + plain.path("port").asInt(), bootstrap,
                    r.overlay() + ": the services' broker is Strimzi's bootstrap Service of the Kafka");
            Set<String> scaled = new HashSet<>();
            for (ObjectNode so : r.kind("ScaledObject")) {
                String target = so.path("spec").path("scaleTargetRef").path("name").asText();
                assertTrue(Rendered.STAGES.containsKey(target), r.overlay() + ": ScaledObject targets " + target);
                CodeFacts.Service svc = CodeFacts.service(Rendered.STAGES.get(target));
                assertNotNull(svc.stage(), target + " has no StageBinding, KEDA cannot read its lag");
                Set<String> topics = new HashSet<>();
                for (JsonNode t : so.path("spec").path("triggers")) {
                    assertEquals("kafka", t.path("type").asText());
                    JsonNode m = t.path("metadata");
                    assertEquals("cpift-" + svc.stage(), m.path("consumerGroup").asText(), r.overlay() + "/" + target + ": consumer group");
                    assertEquals(bootstrap, m.path("bootstrapServers").asText(), r.overlay() + "/" + target);
                    topics.add(m.path("topic").asText());
                }
                assertEquals(svc.inputs().stream().map(Topic::name).collect(java.util.stream.Collectors.toSet()), topics,
                        r.overlay() + "/" + target + ": one trigger per input topic of the binding");
                int partitions = svc.inputs().stream().mapToInt(Topic::partitions).max().orElseThrow();
                assertTrue(so.path("spec").path("maxReplicaCount").asInt() <= partitions, target + ": more replicas than partitions idle");
                scaled.add(target);
            }
            assertEquals(Set.of("trainer", "mask", "fusion"), scaled, r.overlay());
            // Streams: replicas share the input partitions; more replicas than partitions idle.
            CodeFacts.Service cluster = CodeFacts.service("cluster-service");
            String appId = cluster.properties().getProperty("quarkus.kafka-streams.application-id");
            assertEquals(appId, r.env("cluster").get("QUARKUS_KAFKA_STREAMS_APPLICATION_ID").asText());
            int min = Stream.of(cluster.properties().getProperty("quarkus.kafka-streams.topics").split(","))
                    .mapToInt(t -> Topics.byName(t.trim()).orElseThrow().partitions()).min().orElseThrow();
            int replicas = r.get("Deployment", "cluster").path("spec").path("replicas").asInt();
            assertTrue(replicas >= 1 && replicas <= min, r.overlay() + ": cluster replicas " + replicas + " vs " + min + " partitions");
        }
    }

    @Test
    void everyEnvironmentVariableMapsToAKeyTheServiceReads() {
        for (Rendered r : Rendered.all()) {
            for (var s : Rendered.STAGES.entrySet()) {
                CodeFacts.Service svc = CodeFacts.service(s.getValue());
                for (String env : r.env(s.getKey()).keySet()) {
                    assertTrue(known(s.getKey(), svc, env), r.overlay() + "/" + s.getKey() + ": " + env
                            + " is no config key of " + s.getValue() + " (nor a DJL variable); fix the name or the code");
                }
                assertTrue(r.env(s.getKey()).containsKey("KAFKA_BOOTSTRAP_SERVERS") && r.env(s.getKey()).containsKey("CPIFT_S3_ENDPOINT"));
                assertEquals("metadata.name", r.env(s.getKey()).get("CPIFT_INSTANCE").path("fieldRef").path("fieldPath").asText(),
                        "the instance (transactional-id suffix) is the pod name");
            }
        }
    }

    @Test
    void aMisspeltOrForeignKeyIsCaught() {
        CodeFacts.Service trainer = CodeFacts.service("trainer-service");
        assertTrue(known("trainer", trainer, "CPIFT_TRAINER_CHECKPOINT_EVERY"));
        // A map key's dots cannot be told from the key's own separators in an env name: refused, not guessed.
        assertFalse(known("trainer", trainer, "CPIFT_KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS"));
        assertFalse(known("trainer", trainer, "CPIFT_TRAINER_CHECKPOINT_EVRY"));
        assertFalse(known("trainer", trainer, "CPIFT_FUSION_VERIFY_DIGESTS"), "fusion's key is not the trainer's");
        assertFalse(known("mask", CodeFacts.service("mask-service"), "DJL_OFFLINE"));
    }

    @Test
    void portsProbesAndMetricsAreTheQuarkusOnes() throws IOException {
        String kit = Files.readString(CodeFacts.ROOT.resolve("cpift-service-kit/pom.xml"));
        assertTrue(kit.contains("quarkus-smallrye-health") && kit.contains("quarkus-micrometer-registry-prometheus"),
                "health and metrics come from the service kit");
        for (Rendered r : Rendered.all()) {
            for (var s : Rendered.STAGES.entrySet()) {
                CodeFacts.Service svc = CodeFacts.service(s.getValue());
                for (String k : List.of("quarkus.http.root-path", "quarkus.http.non-application-root-path", "quarkus.micrometer.export.prometheus.path",
                        "quarkus.smallrye-health.root-path")) {
                    assertFalse(svc.keys().contains(k), s.getValue() + " overrides " + k + ": update the probes and annotations");
                }
                int port = Integer.parseInt(svc.properties().getProperty("quarkus.http.port", "8080"));
                ObjectNode d = r.get("Deployment", s.getKey());
                JsonNode pod = d.path("spec").path("template");
                JsonNode c = r.container(s.getKey());
                JsonNode http = c.path("ports").get(0);
                assertEquals("http", http.path("name").asText());
                assertEquals(port, http.path("containerPort").asInt(), s.getKey() + ": container port");
                assertEquals("/q/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
                assertEquals("/q/health/live", c.path("startupProbe").path("httpGet").path("path").asText());
                assertEquals("/q/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
                for (String p : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    assertEquals("http", c.path(p).path("httpGet").path("port").asText(), s.getKey() + " " + p);
                }
                JsonNode ann = pod.path("metadata").path("annotations");
                assertEquals("true", ann.path("prometheus.io/scrape").asText());
                assertEquals(String.valueOf(port), ann.path("prometheus.io/port").asText());
                assertEquals("/q/metrics", ann.path("prometheus.io/path").asText());
                JsonNode labels = pod.path("metadata").path("labels");
                for (JsonNode sel : List.of(d.path("spec").path("selector").path("matchLabels"), r.get("Service", s.getKey()).path("spec").path("selector"),
                        r.get("PodDisruptionBudget", s.getKey()).path("spec").path("selector").path("matchLabels"))) {
                    sel.fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.path(e.getKey()), s.getKey() + ": selector " + e.getKey()));
                }
                assertEquals("http", r.get("Service", s.getKey()).path("spec").path("ports").get(0).path("targetPort").asText());
            }
        }
    }

    @Test
    void podsOutliveTheShutdownGraceSoTheInFlightInputIsFinishedOrHandedBack() {
        for (Rendered r : Rendered.all()) {
            for (var s : Rendered.STAGES.entrySet()) {
                long kill = r.get("Deployment", s.getKey()).path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
                if (CodeFacts.service(s.getValue()).stage() == null) {
                    assertTrue(kill >= 30, s.getKey());
                    continue;
                }
                JsonNode grace = r.env(s.getKey()).get("CPIFT_SHUTDOWN_GRACE");
                assertNotNull(grace, r.overlay() + "/" + s.getKey() + ": set CPIFT_SHUTDOWN_GRACE explicitly");
                long seconds = Duration.parse("PT" + grace.asText().toUpperCase(Locale.ROOT)).toSeconds();
                assertTrue(kill >= seconds + 20, r.overlay() + "/" + s.getKey() + ": terminationGracePeriodSeconds " + kill
                        + " leaves no time after the " + seconds + " s grace to hand the input back and close");
            }
        }
    }

    @Test
    void credentialsComeOnlyFromSecretsNeverFromTheManifests() throws IOException {
        try (Stream<Path> files = Files.walk(Rendered.K8S.resolve("base"))) {
            List<Path> all = new ArrayList<>(files.filter(p -> p.toString().endsWith(".yaml")).toList());
            try (Stream<Path> o = Files.walk(Rendered.K8S.resolve("overlays"))) {
                all.addAll(o.filter(p -> p.toString().endsWith(".yaml")).toList());
            }
            for (Path p : all) {
                String text = Files.readString(p);
                assertFalse(text.matches("(?s).*kind:\\s*Secret\\b.*") || text.contains("stringData"), p + " defines a Secret");
            }
        }
        for (Rendered r : Rendered.all()) {
            assertTrue(r.kind("Secret").isEmpty());
            for (ObjectNode cm : r.kind("ConfigMap")) {
                cm.path("data").fieldNames().forEachRemaining(k -> assertFalse(k.matches(SENSITIVE), cm.path("metadata").path("name") + ": " + k));
            }
            for (ObjectNode w : Stream.concat(r.kind("Deployment").stream(), r.kind("StatefulSet").stream()).toList()) {
                for (JsonNode c : w.path("spec").path("template").path("spec").path("containers")) {
                    for (JsonNode e : c.path("env")) {
                        if (e.path("name").asText().matches(SENSITIVE) || e.path("name").asText().startsWith("MINIO_ROOT")) {
                            assertFalse(e.has("value"), w.path("metadata").path("name") + ": " + e.path("name") + " is a literal");
                            assertEquals("cpift-s3", e.path("valueFrom").path("secretKeyRef").path("name").asText(), e.toString());
                        }
                    }
                }
            }
        }
    }

    @Test
    void trainersRunOnGpuNodesInProdAndNothingAsksForAGpuInDev() {
        Rendered prod = Rendered.of("prod");
        JsonNode pod = prod.get("Deployment", "trainer").path("spec").path("template").path("spec");
        JsonNode c = prod.container("trainer");
        assertTrue(c.path("resources").path("limits").path("nvidia.com/gpu").asInt() >= 1);
        assertFalse(pod.path("nodeSelector").isEmpty());
        assertTrue(pod.path("tolerations").findValuesAsText("key").contains("nvidia.com/gpu"));
        String lib = prod.env("trainer").get("PYTORCH_LIBRARY_PATH").asText();
        assertTrue(c.path("volumeMounts").findValuesAsText("mountPath").stream().anyMatch(lib::startsWith), "libtorch mounted under " + lib);
        for (String other : List.of("mask", "cluster", "fusion")) {
            assertTrue(prod.container(other).path("resources").path("limits").path("nvidia.com/gpu").isMissingNode(), other);
        }
        Rendered dev = Rendered.of("dev");
        for (ObjectNode o : dev.objects()) {
            assertFalse(o.toString().contains("nvidia.com/gpu"), "dev: " + o.path("metadata").path("name"));
        }
    }

    @Test
    void imagesAreTheOnesQuarkusBuilds() {
        for (Rendered r : Rendered.all()) {
            for (var s : Rendered.STAGES.entrySet()) {
                CodeFacts.Service svc = CodeFacts.service(s.getValue());
                String image = r.container(s.getKey()).path("image").asText();
                String expected = svc.properties().getProperty("quarkus.container-image.group") + "/"
                        + svc.properties().getProperty("quarkus.container-image.name") + ":";
                assertTrue(image.contains(expected) && (image.startsWith(expected) || image.contains("/" + expected)), r.overlay() + ": " + image);
                assertEquals("false", svc.properties().getProperty("quarkus.container-image.build"), "no image build in a plain mvn verify");
            }
        }
    }

    static boolean known(String stage, CodeFacts.Service svc, String env) {
        if (PROCESS_ENV.getOrDefault(stage, Set.of()).contains(env)) {
            return true;
        }
        return svc.keys().stream().anyMatch(k -> envName(k).equals(env));
    }

    /** The environment variable Quarkus/SmallRye maps to a key: upper case, every other character an underscore. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
