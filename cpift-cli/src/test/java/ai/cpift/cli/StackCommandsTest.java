package ai.cpift.cli;

import ai.cpift.events.Artifact;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.local.TestStack;
import ai.cpift.local.StackEndpoints;
import ai.cpift.platform.kafka.EventPublisher;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.kafka.TopicAdmin;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.platform.store.StoreConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** submit, audit and status against the real broker and S3 server of cpift-local's test stack. */
class StackCommandsTest {
    static StackEndpoints stack;
    static KafkaSettings kafka;
    static ObjectStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() throws Exception {
        stack = TestStack.shared();
        kafka = KafkaSettings.of(stack.kafkaBootstrap());
        store = ObjectStore.connect(new StoreConfig(stack.s3Endpoint(), stack.accessKey(), stack.secretKey(), stack.bucket()));
        TopicAdmin.ensure(kafka, Topics.ALL);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static String pipeline(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka", stack.kafkaBootstrap(), "--s3-endpoint", stack.s3Endpoint(), "--s3-access-key", stack.accessKey(),
                "--s3-secret-key", stack.secretKey(), "--bucket", stack.bucket()));
        return CliRun.of(all.toArray(String[]::new));
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    static List<TaskRegistered> registered(String p) {
        try (EventReader r = new EventReader(kafka, "test", List.of(Topics.TASK_REGISTERED))) {
            return r.readToEnd().stream().map(e -> (TaskRegistered) e.event()).filter(e -> e.meta().pipeline().equals(p)).toList();
        }
    }

    Path jsonl(String name, String... lines) throws Exception {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    @Test
    void submitUploadsAndRegistersEachTaskOnceAndRefusesBadInputBeforeAnyUpload() throws Exception {
        Path base = dir.resolve("base");
        CliRun init = CliRun.of("model", "init", "--out", base.toString(), "--hidden", "32", "--layers", "1", "--heads", "2", "--seed", "3");
        assertEquals(0, init.exit(), init.err());
        Path trainA = jsonl("a.jsonl", "{\"prompt\": \"a\", \"response\": \"b\"}", "{\"prompt\": \"b\", \"response\": \"c\"}");
        Path evalA = jsonl("a-eval.jsonl", "{\"instruction\": \"c\", \"output\": \"d\"}");
        Path trainB = jsonl("b.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}");
        String p = pipeline("sub");
        String[] args = {"submit", "--pipeline", p, "--base", base.toString(), "--task", "a=" + trainA + "," + evalA, "--task", "b=" + trainB,
                "--probe-steps", "5"};
        CliRun r = cli(args);
        assertEquals(0, r.exit(), r.err());

        List<TaskRegistered> events = registered(p);
        assertEquals(List.of("a", "b"), events.stream().map(TaskRegistered::task).sorted().toList());
        TaskRegistered a = events.stream().filter(e -> e.task().equals("a")).findFirst().orElseThrow();
        TaskRegistered b = events.stream().filter(e -> e.task().equals("b")).findFirst().orElseThrow();
        assertTrue(r.out().contains("registered " + p + "/a (event " + a.meta().id() + ")"), r.out());
        assertTrue(r.out().contains("registered " + p + "/b (event " + b.meta().id() + ")"), r.out());
        assertEquals("pipelines/" + p + "/tasks/a/data/train.jsonl", a.train().key());
        assertEquals(sha256(trainA), a.train().sha256());
        assertEquals(Files.size(trainA), a.train().bytes());
        assertEquals("pipelines/" + p + "/tasks/a/data/eval.jsonl", a.eval().key());
        assertEquals(sha256(evalA), a.eval().sha256());
        assertEquals(sha256(trainB), b.train().sha256());
        assertNull(b.eval());
        assertNull(a.meta().cause());
        assertTrue(a.meta().source().startsWith("cpift-cli/"), a.meta().source());
        assertEquals(5, a.settings().probe().steps());
        assertEquals(0.1, a.settings().tau());
        assertEquals(a.base(), b.base());
        assertEquals("pipelines/" + p + "/base/", a.base().prefix());
        List<String> local;
        try (Stream<Path> s = Files.list(base)) {
            local = s.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(local, a.base().files().stream().map(f -> f.key().substring(a.base().prefix().length())).toList());
        for (Artifact f : a.base().files()) {
            Path l = base.resolve(f.key().substring(a.base().prefix().length()));
            assertEquals(sha256(l), f.sha256(), f.key());
            // The stored bytes are the local file's (getBytes also checks them against the recorded hash).
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(l), store.getBytes(f)), f.key());
        }
        assertEquals(Files.readString(trainB), new String(store.getBytes(b.train()), StandardCharsets.UTF_8));

        CliRun again = cli(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("already registered " + p + "/a (event " + a.meta().id() + ")"), again.out());
        assertEquals(2, registered(p).size(), "an identical submit emits nothing");

        CliRun otherTau = cli("submit", "--pipeline", p, "--task", "c=" + trainB, "--tau", "0.3");
        assertEquals(2, otherTau.exit(), otherTau.err());
        assertTrue(otherTau.err().contains("--tau 0.3 (the pipeline has 0.1)"), otherTau.err());
        CliRun otherData = cli("submit", "--pipeline", p, "--task", "b=" + trainA);
        assertEquals(2, otherData.exit(), otherData.err());
        assertTrue(otherData.err().contains("task " + p + "/b is already registered") && otherData.err().contains("new task name"),
                otherData.err());
        CliRun added = cli("submit", "--pipeline", p, "--task", "c=" + trainB);
        assertEquals(0, added.exit(), added.err());
        assertEquals(3, registered(p).size(), "a task added to an existing pipeline without --base");

        Path bad = jsonl("bad.jsonl", "{\"prompt\": \"a\", \"response\": \"b\"}", "{\"prompt\": \"b\", \"reply\": \"c\"}");
        String q = pipeline("bad");
        CliRun refused = cli("submit", "--pipeline", q, "--base", base.toString(), "--task", "ok=" + trainA, "--task", "c=" + bad);
        assertEquals(2, refused.exit(), refused.err());
        assertTrue(refused.err().contains("dataset " + bad + " line 2: field 'response'"), refused.err());
        assertFalse(refused.err().contains("\tat "), refused.err());
        assertTrue(store.stat(ObjectKeys.base(q) + "config.json").isEmpty(), "nothing uploaded");
        assertTrue(store.stat(ObjectKeys.trainData(q, "ok")).isEmpty(), "nothing uploaded");
        assertEquals(0, registered(q).size(), "nothing published");
    }

    @Test
    void auditFindsAStoredChainCompleteThenNamesAnOverwrittenObject() throws Exception {
        String p = pipeline("aud");
        ModelRef base = model(ObjectKeys.base(p));
        TaskRegistered ra = TestEvents.registered(p, "a", base, up(ObjectKeys.trainData(p, "a")), up(ObjectKeys.evalData(p, "a")));
        TaskRegistered rb = TestEvents.registered(p, "b", base, up(ObjectKeys.trainData(p, "b")), null);
        TaskFineTuned fa = TestEvents.fineTuned(ra, model(ObjectKeys.probe(p, "a")), Map.of("base", 0.0, "probe", 100.0));
        TaskFineTuned fb = TestEvents.fineTuned(rb, model(ObjectKeys.probe(p, "b")), Map.of());
        MaskComputed ma = TestEvents.masked(fa, up(ObjectKeys.mask(p, "a")), 7);
        MaskComputed mb = TestEvents.masked(fb, up(ObjectKeys.mask(p, "b")), 8);
        ClustersFormed c = TestEvents.clusters(mb, 1, List.of(ma, mb), up(ObjectKeys.grouping(p, 1)));
        ModelFused f = TestEvents.fused(c, model(ObjectKeys.fused(p, 1)));
        ModelConsolidated done = TestEvents.consolidated(f, List.of(model(ObjectKeys.stage(p, 1, 1)), model(ObjectKeys.stage(p, 1, 2))),
                up(ObjectKeys.report(p, 1)), Map.of("a", Map.of("base", 0.0, "probe", 100.0, "fused", 50.0, "consolidated", 75.0)));
        try (EventPublisher pub = new EventPublisher(kafka, "test")) {
            for (CpiftEvent e : List.of(ra, rb, fa, fb, ma, mb, c, f, done)) {
                pub.publish(e);
            }
        }

        CliRun ok = cli("audit", "--pipeline", p, "--json");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        JsonNode report = new ObjectMapper().readTree(ok.lastLine());
        assertTrue(report.get("intact").asBoolean());
        assertEquals(9, report.get("events").size());
        // By hand: base 2, data 3, probes 4, masks 2, groups.json 1, fused 2, stages 4, report 1.
        assertEquals(19, report.get("artifacts").size());
        CliRun status = cli("status", "--pipeline", p);
        assertEquals(0, status.exit(), status.out() + status.err());
        assertTrue(status.out().startsWith("pipeline " + p + ": 2 task(s), 1 generation(s), done"), status.out());

        store.putBytes(ObjectKeys.mask(p, "b"), "tampered".getBytes(StandardCharsets.UTF_8));
        CliRun broken = cli("audit", "--pipeline", p);
        assertEquals(1, broken.exit(), broken.out() + broken.err());
        assertTrue(broken.out().contains("1 problem(s):"), broken.out());
        assertTrue(broken.out().contains("object " + ObjectKeys.mask(p, "b") + " (named by event mask-b): stored 8 bytes with sha256 "),
                broken.out());
        assertEquals(0, cli("audit", "--pipeline", p, "--no-verify").exit(), "the log alone is still complete");
    }

    static Artifact up(String key) throws Exception {
        return store.putBytes(key, ("contents of " + key).getBytes(StandardCharsets.UTF_8));
    }

    static ModelRef model(String prefix) throws Exception {
        return new ModelRef(prefix, List.of(up(prefix + "config.json"), up(prefix + "model.safetensors")));
    }
}
