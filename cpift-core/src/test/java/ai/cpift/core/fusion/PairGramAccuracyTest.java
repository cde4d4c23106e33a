package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * BF16 fusion sums the Gram matrix in float32 within blocks of 2048 elements and in double
 * across them. Here it is held against a Gram matrix summed entirely in double (each product of
 * two BF16 values is exact in double) on inputs chosen to hurt: large norms, norms whose squares
 * overflow float32 (the chunk is then summed in double), nearly parallel tasks on either side of
 * the linear threshold, and mixed magnitudes. The merge coefficients must agree to 1e-6 relative,
 * and every output element must be the BF16 rounding of the merge with the reference
 * coefficients, or its neighbour.
 */
class PairGramAccuracyTest {
    static final int N = 300_000;
    static final double[] WEIGHTS = {1, 2, 0.5};

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (String kernel : List.of("scalar", "best")) {
            for (String data : List.of("large", "overflowing", "parallel-slerp", "parallel-linear", "mixed")) {
                a.add(Arguments.of(data, kernel));
            }
        }
        return a.stream();
    }

    static float[][] tasks(String kind) {
        Random r = new Random(kind.hashCode());
        float[][] t = new float[3][N];
        for (int i = 0; i < N; i++) {
            double g = r.nextGaussian();
            switch (kind) {
                case "large" -> {
                    for (int j = 0; j < 3; j++) {
                        t[j][i] = (float) (1e17 * (g + 0.5 * r.nextGaussian()));
                    }
                }
                case "overflowing" -> {
                    for (int j = 0; j < 3; j++) {
                        t[j][i] = (float) (3e19 * (g + 0.5 * r.nextGaussian()));
                    }
                }
                case "parallel-slerp", "parallel-linear" -> {
                    // cos Ω of about 0.998 (slerp) or 0.99995 (linear): noise of 0.06 or 0.01 of the signal
                    double noise = kind.equals("parallel-slerp") ? 0.06 : 0.01;
                    for (int j = 0; j < 3; j++) {
                        t[j][i] = (float) (0.02 * (g + noise * r.nextGaussian()));
                    }
                }
                case "mixed" -> {
                    double scale = i % 1000 == 0 ? 1e3 : 1e-3;
                    for (int j = 0; j < 3; j++) {
                        t[j][i] = (float) (scale * (g + 0.3 * r.nextGaussian()));
                    }
                }
                default -> throw new IllegalArgumentException(kind);
            }
        }
        for (float[] x : t) {
            for (int i = 0; i < N; i++) {
                x[i] = CoreFusionTest.roundBf16(x[i]);
            }
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gramCoefficientsMatchADoubleReference(String kind, String kernelName) throws Exception {
        PairKernel kernel = kernelName.equals("scalar") ? PairKernel.scalar() : PairKernel.best();
        float[][] t = tasks(kind);
        long[] shape = {N};
        new TinyModel().f("w", DType.BF16, shape, new float[N]).write(dir.resolve("base"));
        List<FusionTask> list = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            Path ck = new TinyModel().f("w", DType.BF16, shape, t[j]).write(dir.resolve("t" + j));
            Path mask = TinyModel.mask(dir.resolve("m" + j), "t" + j, Map.of("w", shape), Map.of());
            list.add(new FusionTask("t" + j, ck, mask, WEIGHTS[j]));
        }
        FusionReport r = CoreFusion.fuse(dir.resolve("base"), list, dir.resolve("out"),
                FusionOptions.defaults().withChunkElements(65_536).withThreads(2), FusionProgress.NONE, kernel);

        double[][] g = new double[3][3];
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 3; k++) {
                double sum = 0;
                for (int i = 0; i < N; i++) {
                    sum += (double) t[j][i] * t[k][i];
                }
                g[j][k] = sum;
            }
        }
        double[] want = Slerp.mergeCoefficients(g, WEIGHTS);
        TensorFusion w = r.tensors().getFirst();
        if (kind.startsWith("parallel")) {
            assertEquals(kind.equals("parallel-linear") ? 2 : 0, w.linearSteps(), "the fixture sits on the intended side of the threshold");
        }
        assertEquals((int) want[3], w.linearSteps(), kind);
        for (int j = 0; j < 3; j++) {
            assertEquals(want[j], w.coefficients().get(j), 1e-6 * Math.abs(want[j]), kind + " c" + j);
        }
        float[] out = TinyModel.read(dir.resolve("out"), "w");
        for (int i = 0; i < N; i++) {
            float m = (float) (want[0] * t[0][i] + want[1] * t[1][i] + want[2] * t[2][i]);
            float exact = CoreFusionTest.roundBf16(m);
            assertEquals(exact, out[i], Math.ulp(exact) * 65536, kind + " element " + i);
        }
    }
}
