package ai.cpift.core.fusion;

/**
 * The inner loops of fusion, written as plain counted loops over arrays that C2 vectorises
 * (no virtual calls, no branches in the loop bodies). Models are taken up to four at a time so
 * each output element is produced in one pass, without a double-precision array round trip.
 */
final class FusionKernels {
    private FusionKernels() {
    }

    /** lane[i] += x[i]·y[i], products and sums in double. */
    static void accumulate(double[] lane, float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            lane[i] += (double) x[i] * (double) y[i];
        }
    }

    /** o[i] = (float) Σ_j c_j x_j[i], the sum in double over the models in order, rounded once. */
    static void combine(float[][] x, double[] c, int n, double[] acc, float[] o, int len) {
        switch (n) {
            case 1 -> combine1(x[0], c[0], o, len);
            case 2 -> combine2(x[0], x[1], c[0], c[1], o, len);
            case 3 -> combine3(x[0], x[1], x[2], c[0], c[1], c[2], o, len);
            case 4 -> combine4(x[0], x[1], x[2], x[3], c[0], c[1], c[2], c[3], o, len);
            default -> {
                for (int i = 0; i < len; i++) {
                    acc[i] = c[0] * x[0][i];
                }
                for (int j = 1; j < n; j++) {
                    float[] xj = x[j];
                    double cj = c[j];
                    for (int i = 0; i < len; i++) {
                        acc[i] += cj * xj[i];
                    }
                }
                for (int i = 0; i < len; i++) {
                    o[i] = (float) acc[i];
                }
            }
        }
    }

    private static void combine1(float[] a, double ca, float[] o, int len) {
        for (int i = 0; i < len; i++) {
            o[i] = (float) (ca * a[i]);
        }
    }

    private static void combine2(float[] a, float[] b, double ca, double cb, float[] o, int len) {
        for (int i = 0; i < len; i++) {
            o[i] = (float) (ca * a[i] + cb * b[i]);
        }
    }

    private static void combine3(float[] a, float[] b, float[] c, double ca, double cb, double cc, float[] o, int len) {
        for (int i = 0; i < len; i++) {
            o[i] = (float) (ca * a[i] + cb * b[i] + cc * c[i]);
        }
    }

    private static void combine4(float[] a, float[] b, float[] c, float[] d, double ca, double cb, double cc, double cd,
                                 float[] o, int len) {
        for (int i = 0; i < len; i++) {
            o[i] = (float) (ca * a[i] + cb * b[i] + cc * c[i] + cd * d[i]);
        }
    }
}
