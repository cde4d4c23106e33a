package ai.cpift.core.group;

import ai.cpift.core.random.SplitMix64;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageOrdersTest {
    /** Six singleton groups g0..g5 in input order, core sizes as given. */
    private static List<TaskGroup> groups(long... sizes) {
        List<TaskGroup> g = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            g.add(new TaskGroup(List.of("g" + i), List.of(i), sizes[i]));
        }
        return g;
    }

    private static List<String> firstNames(List<TaskGroup> groups) {
        return groups.stream().map(g -> g.tasks().getFirst()).toList();
    }

    @Test
    void splitMix64MatchesThePublishedSequenceAndSplittableRandom() {
        SplitMix64 r = new SplitMix64(0);
        // Vigna's splitmix64.c from state 0.
        assertEquals(0xE220A8397B1DCDAFL, r.next());
        assertEquals(0x6E789E6AA1B965F4L, r.next());
        assertEquals(0x06C45D188009454FL, r.next());
        SplitMix64 mine = new SplitMix64(-123456789L);
        SplittableRandom jdk = new SplittableRandom(-123456789L);
        for (int i = 0; i < 100; i++) {
            assertEquals(jdk.nextLong(), mine.next());
        }
    }

    @Test
    void randomOrderIsTheDocumentedShuffle() {
        // Expected permutations computed by an independent Python transcription of the documented
        // algorithm (SplitMix64, top 31 bits with rejection, Fisher–Yates from the end).
        StageOrder random = StageOrders.byName("random");
        List<TaskGroup> g = groups(1, 1, 1, 1, 1, 1);
        assertEquals(List.of("g0", "g1", "g2", "g4", "g5", "g3"), firstNames(random.order(g, 42)));
        assertEquals(List.of("g2", "g3", "g0", "g5", "g1", "g4"), firstNames(random.order(g, 43)));
        assertEquals(List.of("g0", "g3", "g4", "g2", "g1", "g5"), firstNames(random.order(g, -1)));
    }

    @Test
    void randomOrderIsReproducibleForASeedAndChangesWithIt() {
        StageOrder random = StageOrders.byName("random");
        List<TaskGroup> g = groups(5, 4, 3, 2, 1, 9, 8, 7);
        List<String> first = firstNames(random.order(g, 7));
        assertEquals(first, firstNames(random.order(g, 7)));
        assertEquals(first, firstNames(random.order(g.reversed(), 7)), "the shuffle starts from input order, whatever it is given");
        assertNotEquals(first, firstNames(random.order(g, 8)));
        assertEquals(firstNames(g).stream().sorted().toList(), first.stream().sorted().toList());
    }

    @Test
    void largestFirstSortsByTotalCoreSizeThenFirstTaskName() {
        List<TaskGroup> g = List.of(
                new TaskGroup(List.of("b", "z"), List.of(0, 3), 10),
                new TaskGroup(List.of("c"), List.of(1), 30),
                new TaskGroup(List.of("a", "y"), List.of(2, 4), 10),
                new TaskGroup(List.of("d"), List.of(5), 7));
        assertEquals(List.of("c", "a", "b", "d"), firstNames(StageOrders.byName("largest-first").order(g, 0)));
    }

    @Test
    void givenOrdersGroupsByTheirFirstTaskInInputOrder() {
        List<TaskGroup> g = List.of(
                new TaskGroup(List.of("a"), List.of(4), 1),
                new TaskGroup(List.of("m", "z"), List.of(0, 2), 1),
                new TaskGroup(List.of("b"), List.of(1), 1));
        assertEquals(List.of("m", "b", "a"), firstNames(StageOrders.byName("given").order(g, 0)));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> StageOrders.byName("smallest-first"));
        assertTrue(e.getMessage().contains("'smallest-first'") && e.getMessage().contains("random, largest-first, given"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GroupingParams.defaults().withOrder("nope"));
    }
}
