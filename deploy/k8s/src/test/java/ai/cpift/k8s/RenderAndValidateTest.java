package ai.cpift.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every overlay renders, and every object in it is valid; the renderer and validator themselves reject what they should. */
class RenderAndValidateTest {
    @Test
    void everyOverlayRendersToValidObjectsOnceEachInItsNamespace() {
        for (Rendered r : Rendered.all()) {
            List<String> problems = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            String ns = r.objects().getFirst().path("metadata").path("namespace").asText();
            for (ObjectNode o : r.objects()) {
                problems.addAll(ObjectValidator.problems(o));
                assertTrue(ids.add(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()), r.overlay() + ": duplicate " + o.path("metadata"));
                assertEquals(ns, o.path("metadata").path("namespace").asText(), r.overlay());
                assertEquals("cpift", o.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText());
            }
            assertEquals(List.of(), problems, r.overlay());
            // 1 platform ConfigMap, Kafka + pool + 8 topics, MinIO (2), 4 stages × (ConfigMap, Deployment, Service, PDB), 3 ScaledObjects.
            assertEquals(1 + 2 + 8 + 2 + 16 + 3, r.objects().size(), r.overlay());
        }
        assertEquals("cpift-dev", Rendered.of("dev").objects().getFirst().path("metadata").path("namespace").asText());
        assertEquals("cpift", Rendered.of("prod").objects().getFirst().path("metadata").path("namespace").asText());
    }

    @Test
    void overlaysSizeTheClusterForTheirPurpose() {
        Rendered dev = Rendered.of("dev");
        Rendered prod = Rendered.of("prod");
        for (String s : Rendered.STAGES.keySet()) {
            assertEquals(1, dev.get("Deployment", s).path("spec").path("replicas").asInt(), "dev " + s);
        }
        for (String s : List.of("trainer", "mask", "fusion")) {
            assertEquals(1, dev.get("ScaledObject", s).path("spec").path("maxReplicaCount").asInt(), "dev " + s);
            assertTrue(prod.get("ScaledObject", s).path("spec").path("maxReplicaCount").asInt() > 1, "prod " + s);
        }
        assertEquals(0, prod.get("ScaledObject", "trainer").path("spec").path("minReplicaCount").asInt(), "GPU trainers scale to zero");
        assertEquals(3, prod.get("KafkaNodePool", "dual").path("spec").path("replicas").asInt());
        assertEquals(3, prod.get("Kafka", "cpift").path("spec").path("kafka").path("config").path("default.replication.factor").asInt());
        assertEquals(1, dev.get("Kafka", "cpift").path("spec").path("kafka").path("config").path("default.replication.factor").asInt());
        // The patch merged into the base container (by name): the image and probes stay, env gains the CUDA libtorch.
        JsonNode trainer = prod.container("trainer");
        assertEquals("registry.example.com/cpift/trainer-service:0.1.0-SNAPSHOT", trainer.path("image").asText());
        assertEquals(1, prod.get("Deployment", "trainer").path("spec").path("template").path("spec").path("containers").size());
        assertTrue(trainer.has("livenessProbe"));
        assertEquals("4", prod.env("trainer").get("CPIFT_THREADS").asText(), "env wins over the ConfigMap");
        assertEquals("200Gi", prod.get("Deployment", "trainer").path("spec").path("template").path("spec").path("volumes")
                .findValue("sizeLimit").asText(), "volumes merged by name");
        assertEquals("cpift/mask-service:0.1.0-SNAPSHOT", dev.container("mask").path("image").asText());
    }

    @Test
    void theValidatorRejectsUnknownFieldsWrongTypesAndUnknownKinds() throws IOException {
        ObjectNode good = Rendered.of("dev").get("Deployment", "mask").deepCopy();
        assertEquals(List.of(), ObjectValidator.problems(good));
        ObjectNode typo = good.deepCopy();
        ((ObjectNode) typo.get("spec")).put("replica", 2);
        assertTrue(ObjectValidator.problems(typo).toString().contains("replica"), ObjectValidator.problems(typo).toString());
        ObjectNode deep = good.deepCopy();
        ((ObjectNode) deep.at("/spec/template/spec/containers/0")).put("imagePullPolice", "Always");
        assertFalse(ObjectValidator.problems(deep).isEmpty());
        ObjectNode type = good.deepCopy();
        ((ObjectNode) type.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "http");
        assertFalse(ObjectValidator.problems(type).isEmpty());

        ObjectNode so = Rendered.of("dev").get("ScaledObject", "mask").deepCopy();
        assertEquals(List.of(), ObjectValidator.problems(so));
        ((ObjectNode) so.at("/spec/triggers/0/metadata")).put("lagThreshold", 1);
        assertFalse(ObjectValidator.problems(so).isEmpty(), "KEDA trigger metadata values are strings");
        ObjectNode topic = Rendered.of("dev").kind("KafkaTopic").getFirst().deepCopy();
        ((ObjectNode) topic.get("spec")).put("partition", 6);
        assertFalse(ObjectValidator.problems(topic).isEmpty());
        ObjectNode secret = (ObjectNode) Kustomize.YAML.readTree("{apiVersion: v1, kind: Secret, metadata: {name: x}}");
        assertFalse(ObjectValidator.problems(secret).isEmpty());
    }

    @Test
    void theRendererMergesContainersByNameAndRefusesWhatItDoesNotImplement(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("d.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: x, image: img/x:1, env: [{name: A, value: "1"}]}
                        - {name: y, image: img/y}
                      tolerations: [{key: k1}]
                """);
        Files.writeString(dir.resolve("p.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: y, env: [{name: B, value: "2"}]}
                      tolerations: [{key: k2}]
                """);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources: [d.yaml]
                namespace: n
                images: [{name: img/x, newName: reg/x, newTag: "2"}]
                patches: [{path: p.yaml}]
                replicas: [{name: a, count: 3}]
                """);
        ObjectNode a = Kustomize.render(dir).getFirst();
        JsonNode cs = a.at("/spec/template/spec/containers");
        assertEquals(2, cs.size());
        assertEquals("reg/x:2", cs.get(0).path("image").asText());
        assertEquals("A", cs.get(0).at("/env/0/name").asText());
        assertEquals("img/y", cs.get(1).path("image").asText());
        assertEquals("B", cs.get(1).at("/env/0/name").asText());
        assertEquals("k2", a.at("/spec/template/spec/tolerations/0/key").asText(), "lists without a merge key are replaced");
        assertEquals(1, a.at("/spec/template/spec/tolerations").size());
        assertEquals(3, a.at("/spec/replicas").asInt());
        assertEquals("n", a.at("/metadata/namespace").asText());

        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [d.yaml]\ncommonAnnotations: {a: b}\n");
        assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir));
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [d.yaml]\npatches: [{path: p.yaml, target: {kind: Deployment}}]\n");
        assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir));
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [d.yaml]\nreplicas: [{name: nope, count: 1}]\n");
        assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir));
    }
}
