package ai.cpift.core.fusion;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlerpTest {

    /**
     * An independent double-precision SLERP written the way mergekit's slerp.py reads: normalise
     * copies, dot of the unit vectors, lerp above 0.9995, else the sine weights on the originals.
     */
    static double[] reference(double[] a, double[] b, double t) {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        if (na < 1e-8 || nb < 1e-8) {
            return lerp(a, b, t);
        }
        double[] ua = scale(a, 1 / na);
        double[] ub = scale(b, 1 / nb);
        double d = Math.max(-1, Math.min(1, dot(ua, ub)));
        if (Math.abs(d) > 0.9995) {
            return lerp(a, b, t);
        }
        double theta0 = Math.acos(d);
        double thetaT = theta0 * t;
        double s0 = Math.sin(theta0 - thetaT) / Math.sin(theta0);
        double s1 = Math.sin(thetaT) / Math.sin(theta0);
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = s0 * a[i] + s1 * b[i];
        }
        return r;
    }

    /** The N-model recursion in double throughout. */
    static double[] referenceMerge(List<double[]> models, double[] w) {
        double[] acc = models.getFirst();
        double sum = w[0];
        for (int i = 1; i < models.size(); i++) {
            sum += w[i];
            acc = reference(acc, models.get(i), w[i] / sum);
        }
        return acc;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] scale(double[] a, double s) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * s;
        }
        return r;
    }

    static double[] lerp(double[] a, double[] b, double t) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (1 - t) * a[i] + t * b[i];
        }
        return r;
    }

    static float[] randomFloats(Random r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * scale);
        }
        return f;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Each element within one float32 ulp of the double reference rounded to float32. */
    static void assertWithinUlp(double[] expected, float[] actual, int ulps) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < actual.length; i++) {
            float e = (float) expected[i];
            assertTrue(Math.abs(actual[i] - e) <= ulps * Math.ulp(e) + Float.MIN_NORMAL,
                    "element " + i + ": expected " + e + " got " + actual[i]);
        }
    }

    @Test
    void matchesTheDoubleReferenceOnRandomTensors() {
        Random r = new Random(7);
        for (double t : new double[]{0.1, 0.3, 0.5, 0.9}) {
            float[] a = randomFloats(r, 1000, 0.02);
            float[] b = randomFloats(r, 1000, 0.05);
            assertWithinUlp(reference(toDouble(a), toDouble(b), t), Slerp.slerp(a, b, t), 1);
        }
    }

    @Test
    void interpolatesTheOriginalVectorsNotTheUnitOnes() {
        // a = (1, 0), b = 2·(cos 60°, sin 60°); Ω = 60°, t = 1/2: sa = sb = sin 30° / sin 60° = 1/√3,
        // result = (1/√3)(1, 0) + (1/√3)(1, √3) = (2/√3, 1): hand-worked.
        float[] a = {1f, 0f};
        float[] b = {1f, (float) Math.sqrt(3)};
        float[] out = Slerp.slerp(a, b, 0.5);
        assertEquals(2 / Math.sqrt(3), out[0], 1e-6);
        assertEquals(1.0, out[1], 1e-6);
    }

    @Test
    void endpointsAreExact() {
        Random r = new Random(3);
        float[] a = randomFloats(r, 257, 1);
        float[] b = randomFloats(r, 257, 1);
        assertArrayEquals(a, Slerp.slerp(a, b, 0.0));
        assertArrayEquals(b, Slerp.slerp(a, b, 1.0));
    }

    @Test
    void parallelAndAntiparallelVectorsFallBackToLinear() {
        float[] a = {1f, -2f, 0.5f, 4f};
        float[] triple = {3f, -6f, 1.5f, 12f};
        assertArrayEquals(new float[]{1.5f, -3f, 0.75f, 6f}, Slerp.slerp(a, triple, 0.25)); // 0.75a + 0.75a
        float[] opposite = {-2f, 4f, -1f, -8f};
        assertArrayEquals(new float[]{-0.5f, 1f, -0.25f, -2f}, Slerp.slerp(a, opposite, 0.5)); // 0.5a − a
        assertEquals(1.0, Slerp.coefficients(-2, 1, 2, 0.5)[2]);
    }

    @Test
    void theThresholdSeparatesLerpFromSlerp() {
        // Unit vectors at cos 0.9996 (lerp: the midpoint is shorter than 1) and 0.9994 (slerp: norm 1).
        for (double cos : new double[]{0.9996, 0.9994}) {
            double sin = Math.sqrt(1 - cos * cos);
            float[] a = {1f, 0f};
            float[] b = {(float) cos, (float) sin};
            float[] mid = Slerp.slerp(a, b, 0.5);
            double norm = Math.hypot(mid[0], mid[1]);
            double expected = cos > 0.9995 ? Math.sqrt((1 + cos) / 2) : 1.0;
            assertEquals(expected, norm, 2e-7, "cos " + cos);
            assertWithinUlp(reference(toDouble(a), toDouble(b), 0.5), mid, 1);
        }
    }

    @Test
    void nullVectorsFallBackToLinear() {
        float[] zero = {0f, 0f, 0f};
        float[] tiny = {1e-9f, 0f, 0f};
        float[] b = {2f, -4f, 8f};
        assertArrayEquals(new float[]{0.5f, -1f, 2f}, Slerp.slerp(zero, b, 0.25));
        float[] out = Slerp.slerp(tiny, b, 0.25);
        assertWithinUlp(lerp(toDouble(tiny), toDouble(b), 0.25), out, 0);
        assertEquals(1.0, Slerp.coefficients(0, 5e-9, 1, 0.5)[2]);
    }

    @Test
    void theNModelRecursionMatchesTheDirectComputation() {
        Random r = new Random(11);
        List<float[]> models = List.of(randomFloats(r, 500, 1), randomFloats(r, 500, 1), randomFloats(r, 500, 1));
        double[] w = {1, 2, 3};
        double[] expected = referenceMerge(models.stream().map(SlerpTest::toDouble).toList(), w);
        float[] merged = Slerp.merge(models, w);
        for (int i = 0; i < merged.length; i++) {
            assertEquals(expected[i], merged[i], 1e-5, "element " + i);
        }
    }

    @Test
    void parallelModelsMergeExactly() {
        // θ2 = 2v, θ3 = 4v, weights 1, 1, 2: t = 1/2 then 2/4, both steps linear:
        // acc = 1.5v, then 0.5·1.5v + 0.5·4v = 2.75v.
        float[] v = {1f, 2f, -1f, 0.5f};
        List<float[]> models = List.of(v, scaled(v, 2), scaled(v, 4));
        assertArrayEquals(scaled(v, 2.75f), Slerp.merge(models, new double[]{1, 1, 2}));
        double[] c = Slerp.mergeCoefficients(gram(models), new double[]{1, 1, 2});
        assertArrayEquals(new double[]{0.25, 0.25, 0.5, 2}, c);
    }

    @Test
    void gramCoefficientsReproduceTheRecursion() {
        Random r = new Random(5);
        for (int n = 1; n <= 5; n++) {
            java.util.ArrayList<float[]> models = new java.util.ArrayList<>();
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                // a shared component makes the angles moderate, as between fine-tunes of one base
                models.add(randomFloats(r, 300, 1));
                w[i] = 0.5 + r.nextDouble();
            }
            for (int i = 1; i < n; i++) {
                for (int k = 0; k < 300; k++) {
                    models.get(i)[k] += models.getFirst()[k];
                }
            }
            double[] c = Slerp.mergeCoefficients(gram(models), w);
            double[] expected = referenceMerge(models.stream().map(SlerpTest::toDouble).toList(), w);
            for (int k = 0; k < 300; k++) {
                double v = 0;
                for (int j = 0; j < n; j++) {
                    v += c[j] * models.get(j)[k];
                }
                assertEquals(expected[k], v, 1e-12 * (1 + Math.abs(expected[k])), "n " + n + " element " + k);
            }
        }
    }

    @Test
    void weightsMustBePositiveAndFinite() {
        List<float[]> models = List.of(new float[]{1}, new float[]{2});
        for (double bad : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Slerp.merge(models, new double[]{1, bad}));
            assertTrue(e.getMessage().contains("weight 2 of 2") && e.getMessage().contains("positive and finite"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Slerp.merge(models, new double[]{1}));
    }

    @Test
    void oneModelIsItself() {
        float[] v = {3f, -1f};
        assertArrayEquals(v, Slerp.merge(List.of(v), new double[]{2}));
        assertArrayEquals(new double[]{1, 0}, Slerp.mergeCoefficients(new double[][]{{10}}, new double[]{2}));
    }

    static float[] scaled(float[] v, float s) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] * s;
        }
        return r;
    }

    static double[][] gram(List<float[]> models) {
        int n = models.size();
        double[][] g = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                g[j][k] = dot(toDouble(models.get(j)), toDouble(models.get(k)));
            }
        }
        return g;
    }
}
