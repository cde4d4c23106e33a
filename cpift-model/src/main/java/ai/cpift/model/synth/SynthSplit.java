package ai.cpift.model.synth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The train and eval examples of one task, with no prompt twice across both: a model scored on
 * eval has never seen the question. Eval is drawn first, so the eval set of a seed stays the same
 * whatever train size is asked for.
 */
public record SynthSplit(List<SynthExample> train, List<SynthExample> eval) {
    public SynthSplit {
        train = List.copyOf(train);
        eval = List.copyOf(eval);
    }

    /** Draws from the task's own stream of {@code seed} until {@code eval + train} distinct prompts are found. */
    public static SynthSplit draw(SynthTask task, long seed, int train, int eval) {
        long wanted = (long) train + eval;
        if (wanted > task.capacity()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "task %s has %,d distinct prompts, fewer than "
                    + "the %,d asked for (train %,d + eval %,d), and train and eval never share a prompt; fix: ask for at "
                    + "most %,d in all", task.name(), task.capacity(), wanted, train, eval, task.capacity()));
        }
        SynthRandom random = SynthRandom.forStream(seed, task.name());
        Set<String> seen = new HashSet<>(); // membership only: the order comes from the list
        List<SynthExample> drawn = new ArrayList<>(Math.toIntExact(wanted));
        // Even all of a task's prompts take ~capacity·ln(capacity) draws (coupon collector): far below this.
        long limit = 100 * wanted + 10_000;
        for (long draws = 0; drawn.size() < wanted; draws++) {
            if (draws == limit) {
                throw new IllegalStateException("task " + task.name() + ": only " + drawn.size() + " distinct prompts in "
                        + draws + " draws; its capacity " + task.capacity() + " is overstated (a bug)");
            }
            SynthExample e = task.sample(random);
            if (seen.add(e.prompt())) {
                drawn.add(e);
            }
        }
        return new SynthSplit(drawn.subList(eval, drawn.size()), drawn.subList(0, eval));
    }
}
