package ai.cpift.core.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The similarity graph at threshold τ: tasks are vertices, an edge joins i ≠ j when
 * S(Ci, Cj) ≥ τ. Its connected components are the method's groups (arXiv 2508.21741, step 3):
 * tasks linked through a chain of overlapping cores are consolidated in the same stage.
 */
public final class JaccardGraph {
    private JaccardGraph() {
    }

    /** Whether the method puts an edge between i ≠ j of similarity s at threshold tau: s ≥ τ. */
    public static boolean edge(double s, double tau) {
        return s >= tau;
    }

    /** The connected components of the matrix's graph at {@code tau}; see {@link #components(double[][], double)}. */
    public static List<int[]> components(JaccardMatrix s, double tau) {
        return components(s.toArray(), tau);
    }

    /**
     * The connected components at {@code tau} of a symmetric similarity matrix (the diagonal is
     * ignored), found with union-find: each component its task indices ascending, the components
     * ordered by their smallest index (input order).
     */
    public static List<int[]> components(double[][] s, double tau) {
        int n = s.length;
        UnionFind sets = new UnionFind(n);
        for (int i = 0; i < n; i++) {
            if (s[i].length != n) {
                throw new IllegalArgumentException("similarity matrix row " + i + " has " + s[i].length + " entries, not " + n);
            }
            for (int j = i + 1; j < n; j++) {
                if (edge(s[i][j], tau)) {
                    sets.union(i, j);
                }
            }
        }
        Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byRoot.computeIfAbsent(sets.find(i), r -> new ArrayList<>()).add(i);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> members : byRoot.values()) {
            out.add(members.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
