package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fusion of a tensor much larger than one read window ({@link TaskWindows#WINDOW_BYTES}), in the
 * default chunk of 2^20 elements: each chunk is read in several windows of the tasks, the base is
 * read in several windows for the contested elements, and with an F64 output the gathered output
 * ({@link TensorFuser#WRITE_BYTES}) is written more than once per chunk. The result is checked
 * against the method computed in memory ({@link FusionFixture}).
 */
class FusionWindowsTest {
    static final long[] BIG = {600, 500};
    static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("big", BIG);
        SHAPES.put("small", new long[]{7});
    }

    @TempDir
    Path dir;

    FusionFixture build(DType baseType, DType... taskTypes) throws Exception {
        return new FusionFixture(SHAPES).build(dir, 7, 0.02, baseType, taskTypes, null);
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                // the BF16 kernels, windows of 65,536 elements
                Arguments.of(DType.BF16, new DType[]{DType.BF16, DType.BF16, DType.BF16}, DType.BF16),
                // decoded blocks; 8-byte output elements, so a chunk's output is written in two pieces
                Arguments.of(DType.BF16, new DType[]{DType.BF16, DType.BF16, DType.BF16}, DType.F64),
                // mixed tasks: windows sized by the widest (F32), each task read in its own dtype
                Arguments.of(DType.F32, new DType[]{DType.F32, DType.BF16, DType.F16}, DType.F32));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void aChunkReadInManyWindowsMatchesTheInMemoryMethod(DType baseType, DType[] taskTypes, DType out) throws Exception {
        FusionFixture fx = build(baseType, taskTypes);
        long elements = BIG[0] * BIG[1];
        assertTrue(elements * 4 > 4L * TaskWindows.WINDOW_BYTES && elements * 8 > TensorFuser.WRITE_BYTES,
                "the fixture must span several windows and, in F64, more than one write");
        FusionReport r = CoreFusion.fuse(dir.resolve("base"), fx.tasks, dir.resolve("out"),
                FusionOptions.defaults().withOutputDtype(out).withThreads(2), FusionProgress.NONE);
        fx.assertFused(dir.resolve("out"), r, out);
        assertTrue(r.conflicts() > 10_000, "the fixture must contest elements in every base window: " + r.conflicts());
    }

    @Test
    void aNonFiniteElementInALaterWindowIsNamed() throws Exception {
        FusionFixture fx = build(DType.BF16, DType.BF16, DType.BF16, DType.BF16);
        float[] bad = fx.models.get(1).get("big").clone();
        bad[200_001] = Float.POSITIVE_INFINITY;
        new TinyModel().f("big", DType.BF16, BIG, bad).f("small", DType.BF16, SHAPES.get("small"), fx.models.get(1).get("small"))
                .write(dir.resolve("task1-bad"));
        List<FusionTask> withBad = new ArrayList<>(fx.tasks);
        withBad.set(1, new FusionTask("task1", dir.resolve("task1-bad"), fx.tasks.get(1).mask(), FusionFixture.WEIGHTS[1]));
        FusionInputException e = assertThrows(FusionInputException.class, () -> CoreFusion.fuse(dir.resolve("base"), withBad,
                dir.resolve("out"), FusionOptions.defaults().withThreads(2), FusionProgress.NONE));
        assertTrue(e.getMessage().contains("tensor 'big' element 200001 (index [400, 1]) is Infinity"), e.getMessage());
    }
}
