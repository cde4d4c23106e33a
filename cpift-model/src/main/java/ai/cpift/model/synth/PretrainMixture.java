package ai.cpift.model.synth;

import java.util.List;
import java.util.Locale;

/**
 * A generic mixture for pre-training a tiny base model: the benchmark's prompt shape (a task word,
 * then letters) and answers that end, so that the base model knows the template and stops with
 * eos, but none of the benchmark's skills, task words or mappings (no arithmetic, reversal,
 * sorting, counting of one letter, or shifting). Fine-tuning then has only the tasks to learn.
 */
public final class PretrainMixture {
    /** The folder and stream name of the mixture. */
    public static final String NAME = "pretrain";

    private static final int MIN = SynthTasks.MIN_LETTERS;
    private static final int MAX = SynthTasks.MAX_LETTERS;
    private static final long STRINGS = SynthRandom.letterStrings(MIN, MAX);

    private static final List<SynthTask> COMPONENTS = List.of(
            component("copy", "repeat the letters", s -> "copy " + s, s -> s),
            component("first", "the first letter", s -> "first letter of " + s, s -> s.substring(0, 1)),
            component("last", "the last letter", s -> "last letter of " + s, s -> s.substring(s.length() - 1)),
            component("length", "the number of letters", s -> "length of " + s, s -> Integer.toString(s.length())),
            component("double", "the letters twice", s -> "double " + s, s -> s + s),
            component("capitals", "the letters in capitals", s -> "capitals of " + s, s -> s.toUpperCase(Locale.ROOT)));

    private PretrainMixture() {
    }

    private static SynthTask component(String name, String skill, java.util.function.UnaryOperator<String> prompt,
                                       java.util.function.UnaryOperator<String> answer) {
        return new SynthTask(name, skill, STRINGS, r -> {
            String s = r.letters(MIN, MAX);
            return new SynthExample(prompt.apply(s), answer.apply(s));
        });
    }

    /** The generic tasks the mixture draws from. */
    public static List<SynthTask> components() {
        return COMPONENTS;
    }

    /** The mixture as one task: each example from a component chosen uniformly. */
    public static SynthTask task() {
        long capacity = COMPONENTS.stream().mapToLong(SynthTask::capacity).sum();
        return new SynthTask(NAME, "generic mixture (" + SynthTasks.names(COMPONENTS) + "): the prompt format and eos, "
                + "none of the benchmark's skills", capacity, r -> COMPONENTS.get(r.below(COMPONENTS.size())).sample(r));
    }
}
