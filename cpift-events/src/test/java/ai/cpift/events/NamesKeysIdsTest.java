package ai.cpift.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Names}, {@link ObjectKeys} and {@link EventIds}. */
class NamesKeysIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "arith", "ner-2", "my_task", "9lives", "a-b_c-d",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0"})
    void validNames(String name) {
        assertEquals(name, Names.requirePipeline(name));
        assertEquals(name, Names.requireTask(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Arith", "-lead", "_lead", "a/b", "a.b", "a b", "../x", "é", "a\n",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01"})
    void invalidNames(String name) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Names.requireTask(name));
        assertTrue(x.getMessage().startsWith("task name '"), x.getMessage());
        assertTrue(x.getMessage().contains("fix:"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Names.requirePipeline(name));
    }

    @Test
    void nullNameAndTaskId() {
        assertThrows(IllegalArgumentException.class, () -> Names.requirePipeline(null));
        assertEquals("arith/add", Names.taskId("arith", "add"));
        assertThrows(IllegalArgumentException.class, () -> Names.taskId("arith", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> Names.taskId("Arith", "add"));
    }

    @Test
    void objectKeys() {
        assertEquals("pipelines/arith/", ObjectKeys.pipeline("arith"));
        assertEquals("pipelines/arith/base/", ObjectKeys.base("arith"));
        assertEquals("pipelines/arith/tasks/add/", ObjectKeys.task("arith", "add"));
        assertEquals("pipelines/arith/tasks/add/data/train.jsonl", ObjectKeys.trainData("arith", "add"));
        assertEquals("pipelines/arith/tasks/add/data/eval.jsonl", ObjectKeys.evalData("arith", "add"));
        assertEquals("pipelines/arith/tasks/add/probe/", ObjectKeys.probe("arith", "add"));
        assertEquals("pipelines/arith/tasks/add/core.mask", ObjectKeys.mask("arith", "add"));
        assertEquals("pipelines/arith/generations/1/", ObjectKeys.generation("arith", 1));
        assertEquals("pipelines/arith/generations/3/groups.json", ObjectKeys.grouping("arith", 3));
        assertEquals("pipelines/arith/generations/3/fused/", ObjectKeys.fused("arith", 3));
        assertEquals("pipelines/arith/generations/3/stage-2/", ObjectKeys.stage("arith", 3, 2));
        assertEquals("pipelines/arith/generations/12/report.json", ObjectKeys.report("arith", 12));
    }

    @Test
    void objectKeysRefuseBadParts() {
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.base("../etc"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.mask("arith", "x/../../y"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.generation("arith", 0));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.report("arith", -1));
    }

    @Test
    void derivedIdsAreStableAndDistinct() {
        String id = EventIds.derived("arith", "add", "ai.cpift.task.registered.v1");
        assertEquals(id, EventIds.derived("arith", "add", "ai.cpift.task.registered.v1"));
        assertEquals(3, UUID.fromString(id).version(), "a name-based UUID");
        // Pinned: a derived id must not change between releases, or redelivered work gets a new id.
        assertEquals(UUID.nameUUIDFromBytes("arith\u0000add".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(),
                EventIds.derived("arith", "add"));

        Set<String> ids = new HashSet<>();
        for (String[] parts : new String[][]{{"arith", "add"}, {"arith", "sub"}, {"add", "arith"}, {"arithadd"}, {"arit", "hadd"},
                {"arith", "add", ""}, {"arith"}, {""}}) {
            assertTrue(ids.add(EventIds.derived(parts)), "derived ids collide for " + String.join("|", parts));
        }
    }

    @Test
    void randomIdsAreUuids() {
        String a = EventIds.random();
        assertEquals(4, UUID.fromString(a).version());
        assertNotEquals(a, EventIds.random());
    }
}
