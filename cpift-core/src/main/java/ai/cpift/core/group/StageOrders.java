package ai.cpift.core.group;

import ai.cpift.core.random.SplitMix64;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every stage-order rule, by the name used in {@link GroupingParams#order()} and on the command line.
 * <ul>
 *   <li>{@value #RANDOM}: the paper's choice (arXiv 2508.21741 orders stages at random). The groups in
 *       input order are shuffled by Fisher–Yates driven by {@link SplitMix64}(seed): for i = n−1 down
 *       to 1, swap i with j = below(i + 1). The same seed and groups give the same order on any JVM.</li>
 *   <li>{@value #LARGEST_FIRST}: groups by total core size (Σ |Ci|) descending, ties by their first task
 *       name; the largest cores are consolidated first and stay protected longest.</li>
 *   <li>{@value #GIVEN}: groups by their first task in input order, for a caller that has ordered the
 *       tasks itself.</li>
 * </ul>
 */
public final class StageOrders {
    public static final String RANDOM = "random";
    public static final String LARGEST_FIRST = "largest-first";
    public static final String GIVEN = "given";

    private static final Map<String, StageOrder> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put(RANDOM, StageOrders::shuffled);
        BY_NAME.put(LARGEST_FIRST, (groups, seed) -> groups.stream()
                .sorted(Comparator.comparingLong(TaskGroup::coreSize).reversed()
                        .thenComparing(g -> g.tasks().getFirst()))
                .toList());
        BY_NAME.put(GIVEN, (groups, seed) -> groups.stream().sorted(Comparator.comparingInt(TaskGroup::firstInput)).toList());
    }

    private StageOrders() {
    }

    /** The rule of that name; an unknown name is an error that lists the known ones. */
    public static StageOrder byName(String name) {
        StageOrder o = BY_NAME.get(name);
        if (o == null) {
            throw new IllegalArgumentException("unknown stage order '" + name + "': choose one of " + String.join(", ", names()));
        }
        return o;
    }

    /** The known names, in documentation order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    private static List<TaskGroup> shuffled(List<TaskGroup> groups, long seed) {
        List<TaskGroup> a = new ArrayList<>(groups);
        a.sort(Comparator.comparingInt(TaskGroup::firstInput));
        SplitMix64 random = new SplitMix64(seed);
        for (int i = a.size() - 1; i > 0; i--) {
            Collections.swap(a, i, random.below(i + 1));
        }
        return List.copyOf(a);
    }
}
