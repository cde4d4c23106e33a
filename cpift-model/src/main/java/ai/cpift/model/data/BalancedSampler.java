package ai.cpift.model.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same number of examples from each task, for the stages that train on several tasks at once
 * (the consolidation stages train on "a small balanced sample of each group's tasks").
 *
 * <p>A task with at least N examples gives N distinct ones: the first N of a seeded permutation. A
 * task with fewer gives all of them, again in fresh permutations, until N: each of its examples is
 * used ⌊N/n⌋ or ⌈N/n⌉ times, so a small task weighs as much as a large one. A task's sample depends
 * only on the seed, its name and its examples, never on the other tasks, so adding a task to a
 * pipeline leaves the others' samples unchanged.
 */
public final class BalancedSampler {
    private BalancedSampler() {
    }

    /**
     * N examples of each task, keyed by task in name order. Pass k (k = 0, 1, ...) over a task is the
     * permutation of {@code Shuffle.derive(Shuffle.derive(seed, name.hashCode()), k)}.
     */
    public static <T> Map<String, List<T>> samplePerTask(Map<String, ? extends List<T>> tasks, int perTask, long seed) {
        if (perTask < 1) {
            throw new IllegalArgumentException("examples per task " + perTask + " must be at least 1");
        }
        Map<String, List<T>> out = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends List<T>> task : new TreeMap<String, List<T>>(tasks).entrySet()) {
            List<T> items = task.getValue();
            if (items.isEmpty()) {
                throw new IllegalArgumentException("task '" + task.getKey() + "' has no examples to sample; fix: give it a "
                        + "dataset with at least one example, or leave it out");
            }
            long taskSeed = Shuffle.derive(seed, task.getKey().hashCode());
            List<T> sample = new ArrayList<>(perTask);
            for (long pass = 0; sample.size() < perTask; pass++) {
                for (int i : Shuffle.permutation(items.size(), Shuffle.derive(taskSeed, pass))) {
                    if (sample.size() == perTask) {
                        break;
                    }
                    sample.add(items.get(i));
                }
            }
            out.put(task.getKey(), List.copyOf(sample));
        }
        return out;
    }

    /**
     * N examples of each task, mixed: the tasks' samples in name order, then shuffled with
     * {@code Shuffle.derive(seed, -1)}.
     */
    public static <T> List<T> sample(Map<String, ? extends List<T>> tasks, int perTask, long seed) {
        List<T> all = new ArrayList<>();
        samplePerTask(tasks, perTask, seed).values().forEach(all::addAll);
        return Shuffle.shuffled(all, Shuffle.derive(seed, -1));
    }

    /** {@link #sample} over datasets, keyed by their task names. */
    public static List<TokenizedExample> sample(List<SftDataset> datasets, int perTask, long seed) {
        Map<String, List<TokenizedExample>> tasks = new LinkedHashMap<>();
        for (SftDataset d : datasets) {
            if (tasks.put(d.task(), d.examples()) != null) {
                throw new IllegalArgumentException("task '" + d.task() + "' is given twice; fix: give each task once");
            }
        }
        return sample(tasks, perTask, seed);
    }
}
