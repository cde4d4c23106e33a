package ai.cpift.model.synth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's tasks, one skill each, over lower-case letters, digits and a few symbols (all in
 * the default character vocabulary). Strings are 3 to 6 letters and numbers below 50, so that a
 * prompt with its template stays near 50 characters and a tiny model can learn every task.
 *
 * <p>Two pairs are built to interfere: the same generator of inputs and the same prompt format, told
 * apart only by one task word, with opposite mappings ({@code sort up}/{@code sort down},
 * {@code shift up}/{@code shift down}). Each task alone is easy; a model that holds both must read
 * the word and keep two mappings that pull the same weights in opposite directions, which is the
 * seesaw CPI-FT is meant to avoid.
 */
public final class SynthTasks {
    /** Letters per string: short enough for a tiny model to learn in minutes on a CPU, long enough for ~4.7·10^5 distinct inputs. */
    static final int MIN_LETTERS = 2;
    static final int MAX_LETTERS = 4;
    /** Operands of {@code add}: 0..49, so sums have at most two digits (2 500 distinct prompts). */
    static final int MAX_OPERAND = 49;

    static String reversed(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    static String sorted(String s, boolean ascending) {
        char[] c = s.toCharArray();
        java.util.Arrays.sort(c);
        String up = new String(c);
        return ascending ? up : reversed(up);
    }

    /** Each letter moved {@code by} places in a..z, wrapping around (a Caesar cipher). */
    static String shifted(String s, int by) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append((char) ('a' + Math.floorMod(c - 'a' + by, 26)));
        }
        return sb.toString();
    }

    static int occurrences(char letter, String s) {
        return (int) s.chars().filter(c -> c == letter).count();
    }

    private static final long STRINGS = SynthRandom.letterStrings(MIN_LETTERS, MAX_LETTERS);

    public static final SynthTask ADD = new SynthTask("add", "add two numbers of 0.." + MAX_OPERAND,
            (long) (MAX_OPERAND + 1) * (MAX_OPERAND + 1), r -> {
        int a = r.between(0, MAX_OPERAND);
        int b = r.between(0, MAX_OPERAND);
        return new SynthExample("add " + a + "+" + b, Integer.toString(a + b));
    });

    public static final SynthTask REVERSE = new SynthTask("reverse", "reverse a string of letters", STRINGS, r -> {
        String s = r.letters(MIN_LETTERS, MAX_LETTERS);
        return new SynthExample("reverse " + s, reversed(s));
    });

    /** The letter is one of the string's in 3 draws of 4, so that counts above 0 are common. */
    public static final SynthTask COUNT = new SynthTask("count", "count one letter's occurrences in a string",
            26 * STRINGS, r -> {
        String s = r.letters(MIN_LETTERS, MAX_LETTERS);
        char c = r.below(4) == 0 ? r.letter() : s.charAt(r.below(s.length()));
        return new SynthExample("count " + c + " in " + s, Integer.toString(occurrences(c, s)));
    });

    public static final SynthTask SORT_UP = sort("up", true);
    public static final SynthTask SORT_DOWN = sort("down", false);
    public static final SynthTask SHIFT_UP = shift("up", 1);
    public static final SynthTask SHIFT_DOWN = shift("down", -1);

    private static final List<SynthTask> ALL = List.of(ADD, REVERSE, COUNT, SORT_UP, SORT_DOWN, SHIFT_UP, SHIFT_DOWN);
    private static final List<SynthTask> DEFAULTS = List.of(ADD, REVERSE, SORT_UP, SORT_DOWN, SHIFT_UP, SHIFT_DOWN);

    private SynthTasks() {
    }

    /** One half of interfering pair 1: the prompt differs from its partner's only in {@code word}. */
    private static SynthTask sort(String word, boolean ascending) {
        return new SynthTask("sort_" + word, "sort letters " + (ascending ? "a to z" : "z to a"), STRINGS, r -> {
            String s = r.letters(MIN_LETTERS, MAX_LETTERS);
            return new SynthExample("sort " + word + ": " + s, sorted(s, ascending));
        });
    }

    /** One half of interfering pair 2: the prompt differs from its partner's only in {@code word}. */
    private static SynthTask shift(String word, int by) {
        return new SynthTask("shift_" + word, "shift each letter " + (by > 0 ? "forward" : "back") + " one place, "
                + (by > 0 ? "z to a" : "a to z"), STRINGS, r -> {
            String s = r.letters(MIN_LETTERS, MAX_LETTERS);
            return new SynthExample("shift " + word + ": " + s, shifted(s, by));
        });
    }

    /** Every task, in registry order. */
    public static List<SynthTask> all() {
        return ALL;
    }

    /** The default benchmark: six tasks, both interfering pairs included ({@code count} is left out). */
    public static List<SynthTask> defaults() {
        return DEFAULTS;
    }

    /**
     * The pairs built to interfere, by task name: same input format, one task word apart, opposite
     * mappings. The first pair is the sequential A-then-B baseline's.
     */
    public static List<List<String>> interferingPairs() {
        return List.of(List.of(SORT_UP.name(), SORT_DOWN.name()), List.of(SHIFT_UP.name(), SHIFT_DOWN.name()));
    }

    public static SynthTask byName(String name) {
        for (SynthTask t : ALL) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; fix: choose from " + names(ALL));
    }

    /** The tasks named, in the order given; an unknown name or a repeat is an error. */
    public static List<SynthTask> byNames(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no task chosen; fix: name at least one of " + names(ALL));
        }
        Set<String> seen = new HashSet<>();
        List<SynthTask> out = new ArrayList<>();
        for (String n : names) {
            String name = n.strip();
            if (!seen.add(name)) {
                throw new IllegalArgumentException("task '" + name + "' is named twice; fix: name each task once");
            }
            out.add(byName(name));
        }
        return List.copyOf(out);
    }

    static String names(List<SynthTask> tasks) {
        return String.join(", ", tasks.stream().map(SynthTask::name).toList());
    }
}
