package ai.cpift.core.group;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JaccardGraphTest {
    @Test
    void anEdgeNeedsSimilarityAtLeastTau() {
        double[][] s = {
                {1, 0.1, 0.0999},
                {0.1, 1, 0},
                {0.0999, 0, 1}};
        assertEquals(List.of(List.of(0, 1), List.of(2)), asLists(JaccardGraph.components(s, 0.1)));
        assertEquals(List.of(List.of(0, 1, 2)), asLists(JaccardGraph.components(s, 0.0999)));
        assertEquals(List.of(List.of(0), List.of(1), List.of(2)), asLists(JaccardGraph.components(s, 0.5)));
        assertEquals(List.of(List.of(0, 1, 2)), asLists(JaccardGraph.components(s, 0)));
    }

    @Test
    void componentsMatchABreadthFirstSearchOnRandomGraphs() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(30);
            double density = rnd.nextDouble() * 0.2;
            double[][] s = new double[n][n];
            for (int i = 0; i < n; i++) {
                s[i][i] = 1;
                for (int j = i + 1; j < n; j++) {
                    s[i][j] = s[j][i] = rnd.nextDouble() < density ? 0.1 + rnd.nextDouble() * 0.9 : rnd.nextDouble() * 0.1;
                }
            }
            assertEquals(bfs(s, 0.1), asLists(JaccardGraph.components(s, 0.1)), "round " + round);
        }
    }

    /** Components by breadth-first search from each unvisited vertex in index order. */
    private static List<List<Integer>> bfs(double[][] s, double tau) {
        int n = s.length;
        boolean[] seen = new boolean[n];
        List<List<Integer>> out = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            if (seen[start]) {
                continue;
            }
            List<Integer> comp = new ArrayList<>();
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(start));
            seen[start] = true;
            while (!queue.isEmpty()) {
                int v = queue.poll();
                comp.add(v);
                for (int w = 0; w < n; w++) {
                    if (w != v && !seen[w] && s[v][w] >= tau) {
                        seen[w] = true;
                        queue.add(w);
                    }
                }
            }
            comp.sort(null);
            out.add(comp);
        }
        return out;
    }

    private static List<List<Integer>> asLists(List<int[]> comps) {
        return comps.stream().map(c -> Arrays.stream(c).boxed().toList()).toList();
    }
}
