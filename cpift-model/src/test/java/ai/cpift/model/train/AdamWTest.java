package ai.cpift.model.train;

import ai.cpift.model.engine.NoGrad;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two AdamW steps against torch.optim.AdamW's formulas worked in double precision. */
class AdamWTest {
    static final double LR = 0.01;
    static final double B1 = 0.9;
    static final double B2 = 0.95;
    static final double EPS = 1e-3; // large, so that where it is added (√v̂, not √v) shows
    static final double WD = 0.1;

    @TempDir
    Path dir;

    @Test
    void matchesPyTorchsAdamWAndDecaysOnlyMatrices() throws Exception {
        double[] w = {1, -2, 0.5, 3};       // a [2, 2] matrix: decayed
        double[] s = {0.7, -0.3};           // a [2] scale: not decayed
        double[][] gw = {{0.1, -0.2, 0.3, 0}, {-0.4, 0.05, 0.3, 1e-4}};
        double[][] gs = {{1, -0.01}, {0.5, 0.02}};
        TrainParams p = TrainParams.DEFAULTS.withAdamW(B1, B2, EPS, WD);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", param(m, "w", w, new Shape(2, 2)));
            params.put("s", param(m, "s", s, new Shape(2)));
            try (AdamW opt = new AdamW(params, p, m)) {
                double[][] mw = new double[2][4];
                double[][] ms = new double[2][2];
                double[] ew = w.clone();
                double[] es = s.clone();
                for (int t = 1; t <= 2; t++) {
                    setGradients(m, params, gw[t - 1], gs[t - 1]);
                    try (NoGrad ignored = NoGrad.enter()) {
                        opt.step(LR, 1.0, (n, a) -> { });
                    }
                    torchAdamW(ew, gw[t - 1], mw, t, WD);
                    torchAdamW(es, gs[t - 1], ms, t, 0);
                    assertClose(ew, params.get("w").getArray().toFloatArray(), "w after step " + t);
                    assertClose(es, params.get("s").getArray().toFloatArray(), "s after step " + t);
                    assertClose(mw[0], opt.moments("w")[0].toFloatArray(), "exp_avg after step " + t);
                    assertClose(mw[1], opt.moments("w")[1].toFloatArray(), "exp_avg_sq after step " + t);
                }
                assertEquals(2, opt.stepCount());
                assertEquals(0, opt.decayOf("s"));

                Path file = dir.resolve("optimizer.safetensors");
                opt.save(file);
                try (AdamW again = new AdamW(params, p, m)) {
                    try (NoGrad ignored = NoGrad.enter()) {
                        again.load(file);
                    }
                    assertEquals(2, again.stepCount());
                    for (String n : params.keySet()) {
                        assertArrayEquals(opt.moments(n)[0].toFloatArray(), again.moments(n)[0].toFloatArray());
                        assertArrayEquals(opt.moments(n)[1].toFloatArray(), again.moments(n)[1].toFloatArray());
                    }
                }
            }
        }
    }

    /** torch.optim.AdamW, one step: decay, moments, bias-corrected update with ε added to √v̂. */
    static void torchAdamW(double[] w, double[] g, double[][] mv, int t, double wd) {
        for (int i = 0; i < w.length; i++) {
            w[i] *= 1 - LR * wd;
            mv[0][i] = B1 * mv[0][i] + (1 - B1) * g[i];
            mv[1][i] = B2 * mv[1][i] + (1 - B2) * g[i] * g[i];
            double mHat = mv[0][i] / (1 - Math.pow(B1, t));
            double vHat = mv[1][i] / (1 - Math.pow(B2, t));
            w[i] -= LR * mHat / (Math.sqrt(vHat) + EPS);
        }
    }

    private static Parameter param(NDManager m, String name, double[] values, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray a = m.create(toFloats(values), shape);
        a.setRequiresGradient(true);
        p.setArray(a);
        return p;
    }

    /** Makes the gradient of each parameter exactly {@code g}: the gradient of Σ w·g. */
    private static void setGradients(NDManager m, Map<String, Parameter> params, double[] gw, double[] gs) {
        try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray a = params.get("w").getArray().mul(step.create(toFloats(gw), new Shape(2, 2))).sum();
            NDArray b = params.get("s").getArray().mul(step.create(toFloats(gs), new Shape(2))).sum();
            gc.backward(a.add(b));
        }
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-6 * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}
