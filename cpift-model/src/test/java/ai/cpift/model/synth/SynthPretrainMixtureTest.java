package ai.cpift.model.synth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PretrainMixture}: generic answers, none of the benchmark's task words or skills. */
class SynthPretrainMixtureTest {

    @Test
    void answersAreRecomputedFromThePrompt() {
        Map<String, Integer> seen = new LinkedHashMap<>();
        SynthRandom r = new SynthRandom(2);
        for (int i = 0; i < 6000; i++) {
            SynthExample e = PretrainMixture.task().sample(r);
            String[] w = e.prompt().split(" ");
            String s = w[w.length - 1];
            assertTrue(s.matches("[a-z]{2,4}"), e.prompt());
            String head = e.prompt().substring(0, e.prompt().length() - s.length());
            String expected = switch (head) {
                case "copy " -> s;
                case "first letter of " -> s.substring(0, 1);
                case "last letter of " -> s.substring(s.length() - 1);
                case "length of " -> String.valueOf(s.length());
                case "double " -> s + s;
                case "capitals of " -> s.toUpperCase(Locale.ROOT);
                default -> throw new AssertionError("unexpected prompt " + e.prompt());
            };
            assertEquals(expected, e.response(), e.prompt());
            seen.merge(head, 1, Integer::sum);
        }
        assertEquals(6, seen.size(), seen.toString());
        // Uniform over six components: 1000 each, a standard deviation of about 29.
        seen.forEach((head, n) -> assertTrue(n > 850 && n < 1150, head + ": " + n));
    }

    @Test
    void sharesNoTaskWordWithTheBenchmark() {
        Set<String> benchmark = new HashSet<>();
        SynthTasks.all().forEach(t -> benchmark.addAll(templateWords(t)));
        assertTrue(benchmark.containsAll(List.of("add", "reverse", "count", "in", "sort", "up:", "down:", "shift")), benchmark.toString());
        for (SynthTask c : PretrainMixture.components()) {
            Set<String> words = templateWords(c);
            assertTrue(!words.isEmpty(), c.name());
            for (String w : words) {
                for (String b : benchmark) {
                    String word = w.replace(":", "");
                    String bench = b.replace(":", "");
                    assertTrue(!word.contains(bench) && !bench.contains(word), c.name() + " word '" + w
                            + "' overlaps the benchmark's '" + b + "'");
                }
            }
        }
    }

    /** The words in every prompt of the task: its fixed wording, as opposed to its random input. */
    static Set<String> templateWords(SynthTask t) {
        SynthRandom r = new SynthRandom(9);
        Set<String> common = null;
        for (int i = 0; i < 300; i++) {
            Set<String> words = new HashSet<>(List.of(t.sample(r).prompt().split(" ")));
            if (common == null) {
                common = words;
            } else {
                common.retainAll(words);
            }
        }
        return new HashSet<>(new ArrayList<>(common));
    }
}
