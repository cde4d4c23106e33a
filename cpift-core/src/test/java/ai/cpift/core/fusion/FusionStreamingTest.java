package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streamed, chunked, parallel fusion against the method computed directly in memory
 * ({@link FusionFixture}): the recursion of {@link Slerp#merge} on whole tensors, then the cores
 * transplanted element by element by a plain loop.
 */
class FusionStreamingTest {
    static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("a", new long[]{37, 53});   // 1961 elements: 31 chunks of 64, the last partial
        SHAPES.put("e", new long[]{100, 70});  // 7000 elements
        SHAPES.put("n", new long[]{5});        // smaller than a block
    }


    @TempDir
    Path dir;
    FusionFixture fx;

    /** Writes base and tasks in {@code dtype}; task 1's mask leaves tensor "e" out entirely. */
    void build(DType dtype) throws Exception {
        fx = new FusionFixture(SHAPES).build(dir, 42, 0.03, dtype, new DType[]{dtype, dtype, dtype}, "e");
    }

    FusionReport fuse(String out, FusionOptions o, PairKernel kernel) throws Exception {
        return CoreFusion.fuse(dir.resolve("base"), fx.tasks, dir.resolve(out), o, FusionProgress.NONE, kernel);
    }

    /** F32 and BF16 inputs, each through the scalar BF16 kernel and the best one this JVM has (the Vector API one under surefire). */
    static Stream<Arguments> dtypesAndKernels() {
        return Stream.of(DType.F32, DType.BF16).flatMap(d -> Stream.of("scalar", "best").map(k -> Arguments.of(d, k)));
    }

    static PairKernel kernel(String name) {
        return name.equals("scalar") ? PairKernel.scalar() : PairKernel.best();
    }

    @ParameterizedTest
    @MethodSource("dtypesAndKernels")
    void theChunkedGramPathMatchesTheInMemoryRecursion(DType dtype, String kernel) throws Exception {
        build(dtype);
        FusionReport r = fuse("out", FusionOptions.defaults().withChunkElements(64).withThreads(3), kernel(kernel));
        fx.assertFused(dir.resolve("out"), r, dtype);
        TensorFusion e = r.tensors().stream().filter(x -> x.name().equals("e")).findFirst().orElseThrow();
        assertEquals(0L, e.coreElements().get(1));
        assertEquals(0L, e.transplanted().get(1));
        assertTrue(r.conflicts() > 0, "the fixture must exercise conflicts");
    }

    @ParameterizedTest
    @MethodSource("dtypesAndKernels")
    void theResultDoesNotDependOnTheThreadCount(DType dtype, String kernel) throws Exception {
        build(dtype);
        fuse("one", FusionOptions.defaults().withChunkElements(64).withThreads(1), kernel(kernel));
        fuse("four", FusionOptions.defaults().withChunkElements(64).withThreads(4), kernel(kernel));
        fuse("whole", FusionOptions.defaults().withThreads(2), kernel(kernel));
        for (String name : SHAPES.keySet()) {
            float[] one = TinyModel.read(dir.resolve("one"), name);
            assertArrayEquals(one, TinyModel.read(dir.resolve("four"), name), name);
            float[] whole = TinyModel.read(dir.resolve("whole"), name);
            for (int i = 0; i < one.length; i++) {
                float tol = dtype == DType.BF16 ? Math.ulp(one[i]) * 65536 : Math.ulp(one[i]);
                assertEquals(one[i], whole[i], tol, name + " element " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1 << 20})
    void theVectorAndScalarKernelsWriteTheSameBytes(int chunk) throws Exception {
        PairKernel vector = PairKernelTest.vector();
        build(DType.BF16);
        FusionReport a = fuse("scalar", FusionOptions.defaults().withChunkElements(chunk).withThreads(3), PairKernel.scalar());
        FusionReport b = fuse("vector", FusionOptions.defaults().withChunkElements(chunk).withThreads(2), vector);
        assertEquals(-1, Files.mismatch(dir.resolve("scalar").resolve(Checkpoint.SINGLE_FILE), dir.resolve("vector").resolve(Checkpoint.SINGLE_FILE)));
        assertEquals(a.tensors(), b.tensors());
    }
}
