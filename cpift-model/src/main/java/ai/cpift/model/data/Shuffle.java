package ai.cpift.model.data;

import ai.cpift.core.random.SplitMix64;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic shuffling by seed, reproducible by any JVM: the seed is spread over 64 bits by the
 * SplitMix64 finaliser (Steele, Lea, Flood 2014), which seeds a {@link java.util.Random} (whose
 * algorithm the Java specification fixes), and the permutation is Fisher-Yates from the last
 * position down: for i = n-1 .. 1, swap i with {@code random.nextInt(i + 1)}.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /** A permutation of 0 .. n-1 determined by the seed. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random random = new Random(mix(seed));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A copy of {@code items} in the order of {@link #permutation}. */
    public static <T> List<T> shuffled(List<T> items, long seed) {
        int[] p = permutation(items.size(), seed);
        List<T> out = new ArrayList<>(items.size());
        for (int i : p) {
            out.add(items.get(i));
        }
        return out;
    }

    /** Consecutive batches of {@code batchSize} items; the last one holds the rest. */
    public static <T> List<List<T>> batches(List<T> items, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < items.size(); from += batchSize) {
            out.add(List.copyOf(items.subList(from, Math.min(items.size(), from + batchSize))));
        }
        return out;
    }

    /** The shuffled batches of one epoch: the seed of epoch e is {@code derive(seed, e)}. */
    public static <T> List<List<T>> epoch(List<T> items, int batchSize, long seed, long epoch) {
        return batches(shuffled(items, derive(seed, epoch)), batchSize);
    }

    /** A seed for a sub-stream (an epoch, a task): {@code mix(seed + salt * 0x9E3779B97F4A7C15)}. */
    public static long derive(long seed, long salt) {
        return mix(seed + salt * 0x9E3779B97F4A7C15L);
    }

    /** The SplitMix64 finaliser of {@code seed + 0x9E3779B97F4A7C15}. */
    static long mix(long seed) {
        return SplitMix64.mix(seed + 0x9E3779B97F4A7C15L);
    }
}
