package ai.cpift.core.group;

import ai.cpift.core.mask.CoreMask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JaccardTest {
    @TempDir
    Path dir;

    @Test
    void handWorkedExample() throws Exception {
        // X = {a0, a1, a2, d4}, Y = {a1, a2, a299, b65536 (second block)}, Y lists no d.bias.
        // X ∩ Y = {a1, a2}: 2; X ∪ Y = 4 + 4 - 2 = 6; S = 2/6 = 1/3.
        CoreMask x = TestMasks.write(dir, "x", Map.of("a.weight", new int[]{0, 1, 2}, "d.bias", new int[]{4}, "b.weight", new int[]{}));
        CoreMask y = TestMasks.write(dir, "y", Map.of("a.weight", new int[]{1, 2, 299}, "b.weight", new int[]{65_536}));
        assertEquals(2, Jaccard.intersection(x, y));
        assertEquals(1.0 / 3.0, Jaccard.similarity(x, y));
        assertEquals(1.0 / 3.0, Jaccard.similarity(y, x));
        assertEquals(1.0, Jaccard.similarity(x, x));
        JaccardMatrix m = JaccardMatrix.compute(List.of(PackedMask.of(x), PackedMask.of(y)), 1);
        assertEquals(2, m.intersection(0, 1));
        assertEquals(1.0 / 3.0, m.get(0, 1));
        assertEquals(1.0, m.get(1, 1));
    }

    @Test
    void emptyCoresHaveSimilarityZero() throws Exception {
        CoreMask e1 = TestMasks.write(dir, "e1", Map.of("a.weight", new int[]{}));
        CoreMask e2 = TestMasks.write(dir, "e2", Map.of());
        CoreMask one = TestMasks.write(dir, "one", Map.of("a.weight", new int[]{7}));
        assertEquals(0.0, Jaccard.similarity(e1, e2));
        assertEquals(0.0, Jaccard.similarity(e1, e1));
        assertEquals(0.0, Jaccard.similarity(e1, one));
        JaccardMatrix m = JaccardMatrix.compute(List.of(PackedMask.of(e1), PackedMask.of(e2), PackedMask.of(one)), 2);
        assertEquals(0.0, m.get(0, 0));
        assertEquals(0.0, m.get(0, 1));
        assertEquals(0.0, m.get(1, 2));
        assertEquals(1.0, m.get(2, 2));
    }

    @Test
    void matchesANaiveSetComputationOnRandomMasks() throws Exception {
        Random rnd = new Random(20250829);
        int partial = 0;
        for (int round = 0; round < 8; round++) {
            CoreMask a = TestMasks.random(dir, "a" + round, rnd);
            CoreMask b = TestMasks.random(dir, "b" + round, rnd);
            double expected = TestMasks.naiveJaccard(TestMasks.naive(a), TestMasks.naive(b));
            assertEquals(expected, Jaccard.similarity(a, b), "round " + round);
            JaccardMatrix m = JaccardMatrix.compute(List.of(PackedMask.of(a), PackedMask.of(b)), 1);
            assertEquals(expected, m.get(0, 1), "kernel, round " + round);
            assertEquals(expected, m.get(1, 0), "kernel, round " + round);
            partial += expected > 0 && expected < 1 ? 1 : 0;
        }
        assertTrue(partial >= 4, "most rounds should overlap partly, not " + partial);
    }

    @Test
    void masksOfDifferentBaseModelsAreAnError() throws Exception {
        CoreMask a = TestMasks.write(dir, "a", Map.of("a.weight", new int[]{1}));
        CoreMask b = TestMasks.write(dir, "b", "ef".repeat(32), TestMasks.SHAPES, Map.of("a.weight", new int[]{1}));
        var e = assertThrows(IncompatibleMasksException.class, () -> Jaccard.similarity(a, b));
        assertTrue(e.getMessage().contains(a.source().toString()) && e.getMessage().contains(b.source().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("different base models"), e.getMessage());
        assertTrue(e.getMessage().contains("ef".repeat(32)), e.getMessage());
    }

    @Test
    void aTensorWithTwoShapesIsAnError() throws Exception {
        CoreMask a = TestMasks.write(dir, "a", Map.of("a.weight", new int[]{1}));
        CoreMask b = TestMasks.write(dir, "b", TestMasks.BASE, Map.of("a.weight", new long[]{300}), Map.of("a.weight", new int[]{1}));
        var e = assertThrows(IncompatibleMasksException.class, () -> Jaccard.similarity(a, b));
        assertTrue(e.getMessage().contains("'a.weight'") && e.getMessage().contains("[3, 100]") && e.getMessage().contains("[300]"),
                e.getMessage());
        assertTrue(e.getMessage().contains(a.source().toString()) && e.getMessage().contains(b.source().toString()), e.getMessage());
    }

    @Test
    void impossibleCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Jaccard.similarity(3, 4, 5));
        assertEquals(1.0 / 5.0, Jaccard.similarity(3, 3, 1)); // |A ∪ B| = 3 + 3 - 1
    }
}
