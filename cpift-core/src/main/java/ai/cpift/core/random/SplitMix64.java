package ai.cpift.core.random;

/**
 * SplitMix64 (Steele, Lea, Flood, OOPSLA 2014; the generator behind java.util.SplittableRandom's
 * nextLong), written out so that the random stage order and the synthetic tasks are reproducible
 * by any JVM or language (the JDK's generators do not promise their bounded draws across versions):
 * state += 0x9E3779B97F4A7C15; z = state; z = (z ^ z>>>30)·0xBF58476D1CE4E5B9;
 * z = (z ^ z>>>27)·0x94D049BB133111EB; output z ^ z>>>31.
 */
public final class SplitMix64 {
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long next() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** SplitMix64's output function (a bijective 64-bit mixer), also a good hash of one long. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The seed of a named stream: {@code mix(seed + fnv1a(name) · 0x9E3779B97F4A7C15)}, with FNV-1a
     * over the name's UTF-8 bytes, so that each tensor or task draws from its own stream whatever
     * the others are.
     */
    public static long streamSeed(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(seed + h * 0x9E3779B97F4A7C15L);
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
}
