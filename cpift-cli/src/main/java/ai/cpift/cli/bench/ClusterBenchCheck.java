package ai.cpift.cli.bench;

import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.Jaccard;
import ai.cpift.core.group.JaccardMatrix;
import ai.cpift.core.mask.CoreMask;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the cluster benchmark checks after timing: a few intersections against RoaringBitmap's own
 * andCardinality (also timed, as the reference the kernel is compared with), and the groups
 * against the ones the families imply (a family whose expected S reaches τ is one group, the others
 * fall apart into single tasks).
 *
 * @param correct                whether every check held
 * @param roaringSecondsPerPair  RoaringBitmap andCardinality over all tensors, seconds per pair
 * @param summary                one line for the log
 */
record ClusterBenchCheck(boolean correct, double roaringSecondsPerPair, String summary) {
    static ClusterBenchCheck run(List<CoreMask> loaded, CoreMask added, JaccardMatrix grown, GroupingResult groups,
                                 MaskSet set, List<SyntheticMasks.Family> families, double tau) {
        int n = loaded.size();
        List<String> problems = new ArrayList<>();
        int[][] pairs = {{0, 1}, {0, n - 1}, {n / 2, n / 2 + 1}};
        long t0 = System.nanoTime();
        for (int[] p : pairs) {
            long expected = Jaccard.intersection(loaded.get(p[0]), loaded.get(p[1]));
            if (expected != grown.intersection(p[0], p[1])) {
                problems.add("|C" + p[0] + " ∩ C" + p[1] + "| = " + grown.intersection(p[0], p[1]) + ", roaring says " + expected);
            }
        }
        double roaring = (System.nanoTime() - t0) / 1e9 / pairs.length;
        for (int j : new int[]{0, n - 1}) {
            long expected = Jaccard.intersection(added, loaded.get(j));
            if (expected != grown.intersection(n, j)) {
                problems.add("new row, column " + j + ": " + grown.intersection(n, j) + ", roaring says " + expected);
            }
        }
        Set<Set<String>> expectedGroups = new HashSet<>();
        for (int f = 0; f < families.size(); f++) {
            Set<String> members = new HashSet<>();
            for (int i = 0; i < set.tasks().size(); i++) {
                if (set.families().get(i) == f) {
                    members.add(set.tasks().get(i));
                }
            }
            if (families.get(f).expectedJaccard() >= tau) {
                expectedGroups.add(members);
            } else {
                members.forEach(t -> expectedGroups.add(Set.of(t)));
            }
        }
        Set<Set<String>> got = new HashSet<>();
        groups.groups().forEach(g -> got.add(new HashSet<>(g)));
        if (!got.equals(expectedGroups)) {
            problems.add("groups " + groups.groups() + " differ from the families' " + expectedGroups);
        }
        String summary = problems.isEmpty()
                ? String.format(Locale.ROOT, "checked: %d pairs and 2 new-row entries equal RoaringBitmap andCardinality (%.3f s per pair); "
                + "%d groups as the families imply", pairs.length, roaring, got.size())
                : "CHECK FAILED: " + String.join("; ", problems);
        return new ClusterBenchCheck(problems.isEmpty(), roaring, summary);
    }
}
