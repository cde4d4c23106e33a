package ai.cpift.model.synth;

import java.nio.charset.StandardCharsets;

/**
 * The random source of the generators: SplitMix64 (Steele, Lea, Flood, OOPSLA 2014) written out, so
 * that a seed gives the same data on any JVM and can be reproduced in any language (the JDK's
 * generators do not promise their bounded draws across versions). A copy of cpift-core's
 * package-private generator of stage orders, plus the draws the tasks need.
 */
public final class SynthRandom {
    private long state;

    public SynthRandom(long seed) {
        this.state = seed;
    }

    /**
     * The stream of one task: the seed and an FNV-1a hash of the name through the SplitMix64
     * finaliser, so that choosing other tasks leaves a task's data unchanged.
     */
    public static SynthRandom forStream(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return new SynthRandom(mix(seed + h * 0x9E3779B97F4A7C15L));
    }

    public long next() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /**
     * A uniform integer in [0, bound): r mod bound, where r is the top 31 bits of the next output,
     * drawn again while r ≥ 2^31 − (2^31 mod bound) so that no value is favoured.
     */
    public int below(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long limit = (1L << 31) - (1L << 31) % bound;
        long r;
        do {
            r = next() >>> 33;
        } while (r >= limit);
        return (int) (r % bound);
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

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
