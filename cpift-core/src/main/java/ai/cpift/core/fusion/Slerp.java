package ai.cpift.core.fusion;

import java.util.List;
import java.util.Locale;

/**
 * Spherical linear interpolation of whole tensors, and the N-model merge built from it.
 *
 * <h2>The math</h2>
 * <pre>
 * slerp(a, b, t), a and b flattened to vectors:
 *   cos Ω = (a·b) / (|a| |b|), clamped to [−1, 1]          (the angle of the normalised vectors)
 *   if |a| &lt; 1e-8 or |b| &lt; 1e-8 or |cos Ω| &gt; 0.9995:
 *       result = (1 − t) a + t b                         (linear fallback: nearly (anti)parallel or null)
 *   else
 *       result = sin((1 − t) Ω) / sin Ω · a + sin(t Ω) / sin Ω · b   (the ORIGINAL vectors, not the unit ones)
 *
 * merge(θ1..θN, w1..wN):
 *   acc = θ1;  acc = slerp(acc, θi, wi / (w1 + … + wi))  for i = 2..N
 * </pre>
 * This is mergekit's SLERP convention ({@code mergekit/merge_methods/slerp.py}: the angle from
 * the normalised vectors, the interpolation of the unnormalised ones, lerp when the dot of the
 * unit vectors exceeds 0.9995) after Shoemake, "Animating rotation with quaternion curves",
 * SIGGRAPH 1985. Dot products and norms are accumulated in double; the N-model recursion is the
 * CPI-FT fusion rule (Wang, Liang, Peng, EMNLP 2025, arXiv 2508.21741, section "Fusion").
 *
 * <h2>The merge as one linear combination</h2>
 * Every slerp step returns s_a·acc + s_b·θi, so acc_i = Σ_j c_j θ_j with known coefficients.
 * Given the Gram matrix G_jk = θ_j·θ_k, the step needs only
 * {@code acc·θi = Σ_j c_j G_ji} and {@code |acc|² = cᵀ G c}; {@link #mergeCoefficients} runs
 * the recursion on the coefficients alone. A tensor too large for memory is then merged in two
 * streamed passes: one accumulates G over chunks, one writes Σ_j c_j θ_j chunk by chunk. In exact
 * arithmetic this is the recursion itself; in floating point it skips rounding acc to float32
 * between steps, so it differs from {@link #merge} by float32 rounding only.
 */
public final class Slerp {
    /** Above this |cos Ω| the vectors are treated as parallel and interpolated linearly (mergekit's DOT_THRESHOLD). */
    public static final double PARALLEL_COS = 0.9995;
    /** Below this norm a vector is treated as zero and interpolated linearly (mergekit's normalisation eps). */
    public static final double MIN_NORM = 1e-8;

    private Slerp() {
    }

    /**
     * The two factors of one slerp step, {@code result = sa·a + sb·b}.
     *
     * @param dot   a·b
     * @param normA |a|
     * @param normB |b|
     * @param t     the interpolation parameter: 0 gives a, 1 gives b
     * @return {@code {sa, sb, linear}} where {@code linear} is 1 when the linear fallback was taken, else 0
     */
    public static double[] coefficients(double dot, double normA, double normB, double t) {
        if (normA < MIN_NORM || normB < MIN_NORM) {
            return new double[]{1 - t, t, 1};
        }
        double cos = Math.clamp(dot / (normA * normB), -1.0, 1.0);
        if (Math.abs(cos) > PARALLEL_COS) {
            return new double[]{1 - t, t, 1};
        }
        double omega = Math.acos(cos);
        double sin = Math.sin(omega);
        return new double[]{Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin, 0};
    }

    /** slerp(a, b, t) of two whole tensors, flattened; the result is rounded to float32 once per element. */
    public static float[] slerp(float[] a, float[] b, double t) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("slerp of tensors with " + a.length + " and " + b.length + " elements: sizes must match");
        }
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            aa += (double) a[k] * a[k];
            bb += (double) b[k] * b[k];
        }
        double[] s = coefficients(dot, Math.sqrt(aa), Math.sqrt(bb), t);
        float[] out = new float[a.length];
        for (int k = 0; k < a.length; k++) {
            out[k] = (float) (s[0] * a[k] + s[1] * b[k]);
        }
        return out;
    }

    /** The direct recursion acc = θ1, acc = slerp(acc, θi, wi / (w1+…+wi)), on tensors held in memory. */
    public static float[] merge(List<float[]> models, double[] weights) {
        requireWeights(weights, models.size());
        float[] acc = models.getFirst().clone();
        double sum = weights[0];
        for (int i = 1; i < models.size(); i++) {
            sum += weights[i];
            acc = slerp(acc, models.get(i), weights[i] / sum);
        }
        return acc;
    }

    /**
     * The coefficients c of the merge as Σ_j c_j θ_j, from the Gram matrix of the models.
     *
     * @param gram    G[j][k] = θ_j·θ_k (symmetric, N × N)
     * @param weights w_1..w_N, positive and finite
     * @return N+1 values: c_1..c_N, then the number of steps that took the linear fallback
     */
    public static double[] mergeCoefficients(double[][] gram, double[] weights) {
        int n = weights.length;
        requireWeights(weights, gram.length);
        double[] c = new double[n + 1];
        c[0] = 1;
        double sum = weights[0];
        for (int i = 1; i < n; i++) {
            sum += weights[i];
            double dot = 0;
            double aa = 0;
            for (int j = 0; j < i; j++) {
                dot += c[j] * gram[j][i];
                for (int k = 0; k < i; k++) {
                    aa += c[j] * c[k] * gram[j][k];
                }
            }
            // cᵀGc can come out a hair below zero when acc has cancelled to (almost) nothing.
            double[] s = coefficients(dot, Math.sqrt(Math.max(aa, 0)), Math.sqrt(gram[i][i]), weights[i] / sum);
            for (int j = 0; j < i; j++) {
                c[j] *= s[0];
            }
            c[i] = s[1];
            c[n] += s[2];
        }
        return c;
    }

    /** Checks that there are {@code n ≥ 1} weights, each positive and finite. */
    public static void requireWeights(double[] weights, int n) {
        if (n < 1 || weights.length != n) {
            throw new IllegalArgumentException("a merge needs one weight per model and at least one model; got "
                    + weights.length + " weights for " + n + " models");
        }
        for (int i = 0; i < n; i++) {
            if (!(weights[i] > 0) || !Double.isFinite(weights[i])) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "weight %d of %d is %s: merge weights must be positive and finite (the default is 1 for every model)",
                        i + 1, n, weights[i]));
            }
        }
    }
}
