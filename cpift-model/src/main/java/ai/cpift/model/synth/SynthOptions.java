package ai.cpift.model.synth;

import java.util.List;
import java.util.Locale;

/**
 * What {@link SynthWriter} writes.
 *
 * @param seed     the seed of every task's stream; the same seed gives the same bytes
 * @param train    train examples per task. Default {@value #TRAIN}: enough for a tiny model to learn a
 *                 task of this size in a few hundred steps
 * @param eval     eval examples per task and for the pre-training mixture. Default {@value #EVAL}:
 *                 exact match over 200 examples has a standard error of at most 3.5 points
 * @param pretrain examples of the generic pre-training mixture. Default {@value #PRETRAIN}: about 670
 *                 per component, enough to learn the format and the eos, too few to matter otherwise
 * @param tasks    the benchmark tasks, in the order given. Default {@link SynthTasks#defaults()}
 */
public record SynthOptions(long seed, int train, int eval, int pretrain, List<SynthTask> tasks) {
    public static final int TRAIN = 2000;
    public static final int EVAL = 200;
    public static final int PRETRAIN = 4000;
    /** Everything is drawn in memory before it is written; a million examples of ~40 characters is ~0.5 GB. */
    public static final int MAX_EXAMPLES = 1_000_000;

    public SynthOptions {
        tasks = List.copyOf(tasks);
        size("train examples per task", "--train", train);
        size("eval examples per task", "--eval", eval);
        size("pre-training examples", "--pretrain", pretrain);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no task chosen; fix: name at least one of " + SynthTasks.names(SynthTasks.all()));
        }
    }

    /** The defaults with {@code seed}. */
    public static SynthOptions defaults(long seed) {
        return new SynthOptions(seed, TRAIN, EVAL, PRETRAIN, SynthTasks.defaults());
    }

    private static void size(String what, String option, int n) {
        if (n < 1 || n > MAX_EXAMPLES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s (%s) is %d; fix: ask for 1 to %,d",
                    what, option, n, MAX_EXAMPLES));
        }
    }
}
