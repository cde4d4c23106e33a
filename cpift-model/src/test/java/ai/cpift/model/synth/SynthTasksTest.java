package ai.cpift.model.synth;

import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.init.CharVocabulary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every task's answers recomputed from its prompt by code written apart from the generators. */
class SynthTasksTest {
    static final int DRAWS = 2000;

    @Test
    void everyResponseIsRecomputedFromItsPrompt() {
        for (SynthTask t : SynthTasks.all()) {
            SynthRandom r = new SynthRandom(11);
            for (int i = 0; i < DRAWS; i++) {
                SynthExample e = t.sample(r);
                assertEquals(expected(t.name(), e.prompt()), e.response(), t.name() + ": " + e.prompt());
            }
        }
    }

    /** The answer to a prompt, from the prompt alone. */
    static String expected(String task, String prompt) {
        Matcher m = Pattern.compile(switch (task) {
            case "add" -> "add (\\d+)\\+(\\d+)";
            case "reverse" -> "reverse ([a-z]{2,4})";
            case "count" -> "count ([a-z]) in ([a-z]{2,4})";
            case "sort_up" -> "sort up: ([a-z]{2,4})";
            case "sort_down" -> "sort down: ([a-z]{2,4})";
            case "shift_up" -> "shift up: ([a-z]{2,4})";
            case "shift_down" -> "shift down: ([a-z]{2,4})";
            default -> throw new AssertionError("no independent check for task " + task + "; write one");
        }).matcher(prompt);
        assertTrue(m.matches(), task + " prompt '" + prompt + "' is not in the task's format");
        String s = m.group(m.groupCount());
        return switch (task) {
            case "add" -> {
                int a = Integer.parseInt(m.group(1));
                int b = Integer.parseInt(s);
                assertTrue(a <= 49 && b <= 49, prompt);
                yield String.valueOf(a + b);
            }
            case "reverse" -> {
                StringBuilder sb = new StringBuilder();
                for (int i = s.length() - 1; i >= 0; i--) {
                    sb.append(s.charAt(i));
                }
                yield sb.toString();
            }
            case "count" -> {
                int n = 0;
                for (char c : s.toCharArray()) {
                    n += c == m.group(1).charAt(0) ? 1 : 0;
                }
                yield String.valueOf(n);
            }
            case "sort_up", "sort_down" -> byCounting(s, task.equals("sort_up"));
            default -> caesar(s, task.equals("shift_up") ? 1 : -1);
        };
    }

    /** Sorting by letter counts (no comparison sort), a..z or z..a. */
    static String byCounting(String s, boolean up) {
        int[] counts = new int[26];
        s.chars().forEach(c -> counts[c - 'a']++);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 26; k++) {
            int letter = up ? k : 25 - k;
            sb.append(String.valueOf((char) ('a' + letter)).repeat(counts[letter]));
        }
        return sb.toString();
    }

    /** Each letter one place on (by = 1: z to a) or back (by = -1: a to z), by a lookup table. */
    static String caesar(String s, int by) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        String moved = by == 1 ? alphabet.substring(1) + "a" : "z" + alphabet.substring(0, 25);
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(moved.charAt(alphabet.indexOf(c)));
        }
        return sb.toString();
    }

    @Test
    void interferingPairsShareTheInputFormatAndMapOppositely() {
        assertEquals(List.of(List.of("sort_up", "sort_down"), List.of("shift_up", "shift_down")), SynthTasks.interferingPairs());
        for (List<String> pair : SynthTasks.interferingPairs()) {
            SynthTask a = SynthTasks.byName(pair.get(0));
            SynthTask b = SynthTasks.byName(pair.get(1));
            assertTrue(SynthTasks.defaults().containsAll(List.of(a, b)), pair.toString());
            Set<String> wordsA = new HashSet<>();
            Set<String> wordsB = new HashSet<>();
            for (int seed = 0; seed < 500; seed++) {
                // The same random source: the same input, so the prompts may differ only in the task word.
                SynthExample x = a.sample(new SynthRandom(seed));
                SynthExample y = b.sample(new SynthRandom(seed));
                String[] px = x.prompt().split(" ");
                String[] py = y.prompt().split(" ");
                assertEquals(px.length, py.length, x.prompt() + " / " + y.prompt());
                List<Integer> differ = new ArrayList<>();
                for (int i = 0; i < px.length; i++) {
                    if (!px[i].equals(py[i])) {
                        differ.add(i);
                        wordsA.add(px[i]);
                        wordsB.add(py[i]);
                    }
                }
                assertEquals(1, differ.size(), x.prompt() + " / " + y.prompt());
                String input = px[px.length - 1];
                if (pair.getFirst().startsWith("shift")) {
                    // Opposite mappings: each undoes the other.
                    assertEquals(input, caesar(x.response(), -1), x.prompt());
                    assertEquals(input, caesar(y.response(), 1), y.prompt());
                } else if (input.chars().distinct().count() > 1) {
                    assertEquals(new StringBuilder(x.response()).reverse().toString(), y.response(), x.prompt());
                }
                if (input.chars().distinct().count() > 1) {
                    assertNotEquals(x.response(), y.response(), x.prompt());
                }
            }
            assertEquals(Set.of("up:"), wordsA, pair.toString());
            assertEquals(Set.of("down:"), wordsB, pair.toString());
        }
    }

    @Test
    void everyCharacterIsInTheDefaultVocabularyAndPromptsStayShort() {
        String template = PromptTemplate.INSTRUCTION.replace("{instruction}", "");
        List<SynthTask> tasks = new ArrayList<>(SynthTasks.all());
        tasks.add(PretrainMixture.task());
        for (SynthTask t : tasks) {
            SynthRandom r = new SynthRandom(5);
            for (int i = 0; i < DRAWS; i++) {
                SynthExample e = t.sample(r);
                String text = template + e.prompt() + e.response();
                text.chars().forEach(c -> assertTrue(CharVocabulary.DEFAULT_CHARS.indexOf(c) >= 0,
                        t.name() + ": '" + (char) c + "' in " + e + " is not in the default vocabulary"));
                assertTrue(template.length() + e.prompt().length() <= 56, t.name() + ": prompt too long: " + e.prompt());
            }
        }
    }

    @Test
    void defaultSetAndNames() {
        assertEquals(List.of("add", "reverse", "sort_up", "sort_down", "shift_up", "shift_down"),
                SynthTasks.defaults().stream().map(SynthTask::name).toList());
        assertEquals("count", SynthTasks.byNames(List.of("count")).getFirst().name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SynthTasks.byNames(List.of("add", "sort")));
        assertTrue(e.getMessage().contains("unknown task 'sort'") && e.getMessage().contains("sort_up, sort_down"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SynthTasks.byNames(List.of("add", "add")));
        assertTrue(e.getMessage().contains("'add' is named twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SynthTasks.byNames(List.of()));
    }

    @Test
    void capacityOfAddIsExact() {
        Set<String> prompts = new HashSet<>();
        SynthRandom r = new SynthRandom(3);
        for (int i = 0; i < 100_000; i++) {
            prompts.add(SynthTasks.ADD.sample(r).prompt());
        }
        assertEquals(SynthTasks.ADD.capacity(), prompts.size());
        assertEquals(26 + 26 * 26, SynthRandom.letterStrings(1, 2));
        assertEquals(26L * 26 * 26 + 26L * 26 * 26 * 26, SynthRandom.letterStrings(3, 4));
    }
}
