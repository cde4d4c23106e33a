package ai.cpift.model.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingTest {
    private static List<String> items(String task, int n) {
        return IntStream.range(0, n).mapToObj(i -> task + i).toList();
    }

    private static Map<String, List<String>> tasks() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("b", items("b", 3));
        t.put("a", items("a", 10));
        t.put("c", items("c", 1));
        return t;
    }

    private static Map<String, Long> counts(List<String> xs) {
        return xs.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting()));
    }

    @Test
    void permutationFollowsTheDocumentedRecipe() {
        // written from the class comment: SplitMix64 finaliser of seed + golden, java.util.Random, Fisher-Yates down
        for (long seed : new long[]{0, 1, -5, 123456789012345L}) {
            long z = seed + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            Random r = new Random(z ^ (z >>> 31));
            int[] expected = IntStream.range(0, 17).toArray();
            for (int i = 16; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = expected[i];
                expected[i] = expected[j];
                expected[j] = t;
            }
            assertArrayEquals(expected, Shuffle.permutation(17, seed));
        }
    }

    @Test
    void shufflingIsDeterministicAndUniform() {
        List<String> xs = items("x", 30);
        assertEquals(Shuffle.shuffled(xs, 9), Shuffle.shuffled(xs, 9));
        assertNotEquals(Shuffle.shuffled(xs, 9), Shuffle.shuffled(xs, 10));
        assertEquals(counts(xs), counts(Shuffle.shuffled(xs, 9)));
        assertEquals(Shuffle.epoch(xs, 4, 3, 1), Shuffle.epoch(xs, 4, 3, 1));
        assertNotEquals(Shuffle.epoch(xs, 4, 3, 1), Shuffle.epoch(xs, 4, 3, 2));
        // each of 4 values lands first about 1000 times in 4000 seeds (sd ≈ 27)
        int[] first = new int[4];
        for (long seed = 0; seed < 4000; seed++) {
            first[Shuffle.permutation(4, seed)[0]]++;
        }
        for (int c : first) {
            assertTrue(Math.abs(c - 1000) < 140, java.util.Arrays.toString(first));
        }
    }

    @Test
    void batchesPartitionInOrder() {
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6)), Shuffle.batches(List.of(0, 1, 2, 3, 4, 5, 6), 3));
        assertEquals(List.of(), Shuffle.batches(List.of(), 3));
        assertThrows(IllegalArgumentException.class, () -> Shuffle.batches(List.of(1), 0));
    }

    @Test
    void everyTaskGivesExactlyNExamplesRepeatingSmallTasksEvenly() {
        Map<String, List<String>> per = BalancedSampler.samplePerTask(tasks(), 4, 7);
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(per.keySet()));
        // a: 4 distinct of its 10
        assertEquals(4, per.get("a").size());
        assertEquals(4, counts(per.get("a")).size());
        assertTrue(items("a", 10).containsAll(per.get("a")));
        // b: all 3, one of them twice (4 = 3 + 1)
        Map<String, Long> b = counts(per.get("b"));
        assertEquals(3, b.size());
        assertEquals(List.of(1L, 1L, 2L), b.values().stream().sorted().toList());
        // c: its only example 4 times
        assertEquals(List.of("c0", "c0", "c0", "c0"), per.get("c"));

        List<String> mixed = BalancedSampler.sample(tasks(), 4, 7);
        assertEquals(12, mixed.size());
        List<String> concatenated = new ArrayList<>();
        per.values().forEach(concatenated::addAll);
        assertEquals(counts(concatenated), counts(mixed));
        assertNotEquals(concatenated, mixed);

        // 7 from b: two full passes and one more
        assertEquals(List.of(2L, 2L, 3L),
                counts(BalancedSampler.samplePerTask(tasks(), 7, 7).get("b")).values().stream().sorted().toList());
    }

    @Test
    void samplesAreDeterministicAndEachTaskIndependentOfTheOthers() {
        assertEquals(BalancedSampler.sample(tasks(), 4, 7), BalancedSampler.sample(tasks(), 4, 7));
        assertNotEquals(BalancedSampler.samplePerTask(tasks(), 4, 7).get("a"),
                BalancedSampler.samplePerTask(tasks(), 4, 8).get("a"));
        // the order the tasks are given in does not matter
        Map<String, List<String>> reordered = new HashMap<>();
        reordered.put("c", items("c", 1));
        reordered.put("a", items("a", 10));
        reordered.put("b", items("b", 3));
        assertEquals(BalancedSampler.sample(tasks(), 4, 7), BalancedSampler.sample(reordered, 4, 7));
        // a new task leaves the others' samples as they were
        Map<String, List<String>> more = tasks();
        more.put("d", items("d", 5));
        Map<String, List<String>> before = BalancedSampler.samplePerTask(tasks(), 4, 7);
        Map<String, List<String>> after = BalancedSampler.samplePerTask(more, 4, 7);
        for (String t : before.keySet()) {
            assertEquals(before.get(t), after.get(t), t);
        }
    }

    @Test
    void badRequestsAreRefused() {
        Map<String, List<String>> empty = new LinkedHashMap<>(tasks());
        empty.put("e", List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BalancedSampler.sample(empty, 2, 0));
        assertEquals("task 'e' has no examples to sample; fix: give it a dataset with at least one example, or leave it out",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BalancedSampler.sample(tasks(), 0, 0));
        SftDataset d = new SftDataset("t", List.of(new TokenizedExample(new ExampleOrigin("f", 1), new int[]{1, 2}, 1, true)));
        assertThrows(IllegalArgumentException.class, () -> BalancedSampler.sample(List.of(d, d), 1, 0));
        assertEquals(3, BalancedSampler.sample(List.of(d), 3, 0).size());
    }
}
