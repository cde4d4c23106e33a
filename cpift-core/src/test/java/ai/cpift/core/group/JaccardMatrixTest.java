package ai.cpift.core.group;

import ai.cpift.core.mask.CoreMask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JaccardMatrixTest {
    @TempDir
    Path dir;

    private List<CoreMask> randomMasks(int n, long seed) throws Exception {
        Random rnd = new Random(seed);
        List<CoreMask> masks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            masks.add(TestMasks.random(dir, "t" + i, rnd));
        }
        return masks;
    }

    private static List<PackedMask> packed(List<CoreMask> masks) {
        return masks.stream().map(PackedMask::of).toList();
    }

    @Test
    void everyEntryMatchesTheNaiveSetsWhateverTheThreadCount() throws Exception {
        List<CoreMask> masks = randomMasks(7, 1);
        List<Set<String>> sets = masks.stream().map(TestMasks::naive).toList();
        for (int threads : new int[]{1, 2, 3, 16}) {
            JaccardMatrix m = JaccardMatrix.compute(packed(masks), threads);
            assertEquals(masks.stream().map(CoreMask::task).toList(), m.tasks());
            for (int i = 0; i < masks.size(); i++) {
                for (int j = 0; j < masks.size(); j++) {
                    double expected = TestMasks.naiveJaccard(sets.get(i), sets.get(j));
                    assertEquals(expected, m.get(i, j), "S(" + i + "," + j + ") on " + threads + " threads");
                }
                assertEquals(sets.get(i).isEmpty() ? 0.0 : 1.0, m.get(i, i));
            }
        }
    }

    @Test
    void extendComputesTheSameRowAsTheFullMatrix() throws Exception {
        List<PackedMask> all = packed(randomMasks(6, 2));
        JaccardMatrix full = JaccardMatrix.compute(all, 2);
        List<PackedMask> existing = all.subList(0, 5);
        for (int threads : new int[]{1, 2, 4}) {
            JaccardMatrix grown = JaccardMatrix.compute(existing, 1).extend(existing, all.get(5), threads);
            assertEquals(full.tasks(), grown.tasks());
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(full.intersection(i, j), grown.intersection(i, j), "|C" + i + " ∩ C" + j + "|");
                    assertEquals(full.get(i, j), grown.get(i, j));
                }
            }
        }
    }

    @Test
    void duplicateTaskNamesAreAnError() throws Exception {
        CoreMask a = TestMasks.write(dir.resolve("one"), "math", Map.of("a.weight", new int[]{1}));
        CoreMask b = TestMasks.write(dir.resolve("two"), "math", Map.of("a.weight", new int[]{2}));
        var e = assertThrows(IncompatibleMasksException.class, () -> JaccardMatrix.compute(packed(List.of(a, b)), 1));
        assertTrue(e.getMessage().contains("'math'") && e.getMessage().contains(a.source().toString())
                && e.getMessage().contains(b.source().toString()), e.getMessage());
        JaccardMatrix one = JaccardMatrix.compute(packed(List.of(a)), 1);
        assertThrows(IncompatibleMasksException.class, () -> one.extend(packed(List.of(a)), PackedMask.of(b), 1));
    }

    @Test
    void extendRefusesMasksThatAreNotTheMatrixOwn() throws Exception {
        List<PackedMask> all = packed(randomMasks(3, 3));
        JaccardMatrix m = JaccardMatrix.compute(all.subList(0, 2), 1);
        var e = assertThrows(IllegalArgumentException.class, () -> m.extend(List.of(all.get(1), all.get(0)), all.get(2), 1));
        assertTrue(e.getMessage().contains("[t1, t0]"), e.getMessage());
    }

    @Test
    void anEmptyOrSingleInputIsFine() throws Exception {
        assertEquals(0, JaccardMatrix.compute(List.of(), 2).size());
        List<PackedMask> one = packed(randomMasks(1, 4));
        JaccardMatrix m = JaccardMatrix.compute(one, 2);
        assertEquals(1, m.size());
        JaccardMatrix grown = JaccardMatrix.compute(List.of(), 2).extend(List.of(), one.getFirst(), 2);
        assertEquals(m.tasks(), grown.tasks());
        assertEquals(m.get(0, 0), grown.get(0, 0));
    }
}
