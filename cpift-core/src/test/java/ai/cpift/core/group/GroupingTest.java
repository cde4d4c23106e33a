package ai.cpift.core.group;

import ai.cpift.core.mask.CoreMask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupingTest {
    @TempDir
    Path dir;

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    /**
     * Hand-built: math = a[0,10), code = a[5,15), chat = a[14,24) + b[0,9), poem = b[1000,1004).
     * S(math, code) = 5/15 = 1/3; S(code, chat) = 1/(10+19-1) = 1/28; S(math, chat) = 0;
     * poem overlaps nothing. At τ = 0.1: {code, math}, {chat}, {poem}.
     * At τ = 1/28: {chat, code, math}, {poem}.
     */
    private List<PackedMask> masks() throws Exception {
        CoreMask poem = TestMasks.write(dir, "poem", Map.of("b.weight", range(1000, 1004)));
        CoreMask math = TestMasks.write(dir, "math", Map.of("a.weight", range(0, 10)));
        CoreMask code = TestMasks.write(dir, "code", Map.of("a.weight", range(5, 15)));
        CoreMask chat = TestMasks.write(dir, "chat", Map.of("a.weight", range(14, 24), "b.weight", range(0, 9)));
        return List.of(poem, math, code, chat).stream().map(PackedMask::of).toList();
    }

    @Test
    void groupsAreTheComponentsAtTau() throws Exception {
        GroupingResult r = Grouping.group(masks(), GroupingParams.defaults().withOrder("given"), 2);
        assertEquals(List.of("poem", "math", "code", "chat"), r.tasks());
        assertArrayEquals(new double[]{0, 1, 1.0 / 3, 0}, r.jaccard()[1]);
        assertArrayEquals(new double[]{0, 1.0 / 3, 1, 1.0 / 28}, r.jaccard()[2]);
        assertEquals(List.of(List.of("poem"), List.of("code", "math"), List.of("chat")), r.groups());
        assertEquals(List.of("poem", "code", "math", "chat"), r.order());
        assertEquals(0.1, r.tau());
        assertEquals("given", r.strategy());

        GroupingResult low = Grouping.group(masks(), new GroupingParams(1.0 / 28, "largest-first", 0), 1);
        // sizes: {chat, code, math} = 19 + 10 + 10 = 39, {poem} = 4
        assertEquals(List.of(List.of("chat", "code", "math"), List.of("poem")), low.groups());
        assertEquals(List.of("chat", "code", "math", "poem"), low.order());
    }

    @Test
    void regroupingAfterExtendEqualsGroupingEverything() throws Exception {
        List<PackedMask> all = masks();
        GroupingParams p = GroupingParams.defaults().withSeed(99);
        JaccardMatrix first = JaccardMatrix.compute(all.subList(0, 3), 2);
        GroupingResult incremental = Grouping.group(first.extend(all.subList(0, 3), all.get(3), 2), p);
        GroupingResult full = Grouping.group(all, p, 2);
        assertEquals(full.groups(), incremental.groups());
        assertEquals(full.order(), incremental.order());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(full.jaccard()[i], incremental.jaccard()[i]);
        }
    }

    @Test
    void paramsAreChecked() {
        GroupingParams d = GroupingParams.defaults();
        assertEquals(new GroupingParams(0.1, "random", 0), d);
        assertThrows(IllegalArgumentException.class, () -> d.withTau(1.5));
        assertThrows(IllegalArgumentException.class, () -> d.withTau(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> d.withTau(-0.1));
    }
}
