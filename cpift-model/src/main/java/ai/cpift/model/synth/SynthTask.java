package ai.cpift.model.synth;

import java.util.regex.Pattern;

/**
 * A synthetic task: a name (the folder and the {@code --tasks} word), the skill it tests, and a
 * seeded generator of examples.
 *
 * @param name      lower-case letters, digits and '_'
 * @param skill     one line for people: what a model must do to solve it
 * @param capacity  how many distinct prompts the generator can produce: the most examples train and
 *                  eval can hold together, since they never share a prompt
 * @param generator draws one example; all its randomness comes from the given source
 */
public record SynthTask(String name, String skill, long capacity, Generator generator) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    @FunctionalInterface
    public interface Generator {
        SynthExample next(SynthRandom random);
    }

    public SynthTask {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name '" + name + "': use lower-case letters, digits and '_'");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("task " + name + ": capacity " + capacity + " must be at least 1");
        }
    }

    public SynthExample sample(SynthRandom random) {
        return generator.next(random);
    }
}
