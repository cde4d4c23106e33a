package ai.cpift.model.synth;

import ai.cpift.core.random.SplitMix64;


/**
 * The random source of the generators: SplitMix64 (Steele, Lea, Flood, OOPSLA 2014) written out, so
 * that a seed gives the same data on any JVM and can be reproduced in any language (the JDK's
 * generators do not promise their bounded draws across versions): cpift-core's generator, plus
 * the draws the tasks need.
 */
public final class SynthRandom {
    private final SplitMix64 rng;

    public SynthRandom(long seed) {
        this.rng = new SplitMix64(seed);
    }

    /**
     * The stream of one task: the seed and an FNV-1a hash of the name through the SplitMix64
     * finaliser, so that choosing other tasks leaves a task's data unchanged.
     */
    public static SynthRandom forStream(long seed, String name) {
        return new SynthRandom(SplitMix64.streamSeed(seed, name));
    }

    public long next() {
        return rng.next();
    }

    /** A uniform integer in [0, bound), without bias (see {@link SplitMix64#below}). */
    public int below(int bound) {
        return rng.below(bound);
    }

    /** A uniform integer in [lo, hi]. */
    public int between(int lo, int hi) {
        return lo + below(hi - lo + 1);
    }

    /** A uniform lower-case letter. */
    public char letter() {
        return (char) ('a' + below(26));
    }

    /** A length uniform in [minLength, maxLength], then that many uniform lower-case letters. */
    public String letters(int minLength, int maxLength) {
        int n = between(minLength, maxLength);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(letter());
        }
        return sb.toString();
    }

    /** How many distinct strings {@link #letters} can return: 26^min + ... + 26^max. */
    public static long letterStrings(int minLength, int maxLength) {
        long total = 0;
        long power = 1;
        for (int k = 1; k <= maxLength; k++) {
            power = Math.multiplyExact(power, 26);
            total += k >= minLength ? power : 0;
        }
        return total;
    }
}
