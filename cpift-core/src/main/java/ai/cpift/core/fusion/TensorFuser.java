package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import org.roaringbitmap.BatchIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The streamed kernels of one floating tensor, over chunks of {@code chunk} elements that are
 * themselves walked in blocks of at most {@link #BLOCK} elements (so the per-thread buffers stay
 * small whatever the tensor size):
 * <ol>
 *   <li>{@link #gram}: a chunk's contribution to the Gram matrix G_jk = θ_j·θ_k of the N task
 *       tensors, accumulated in double, lane by lane (lane = position in the block) so the loop
 *       vectorises, then the lanes summed in order. Chunks are summed in chunk order, so the result
 *       does not depend on the thread count.</li>
 *   <li>{@link #combine}: a chunk of the output, Σ_j c_j θ_j in double rounded once to float32,
 *       then the core elements overwritten, then encoded into the output dtype.</li>
 * </ol>
 */
final class TensorFuser {
    static final int BLOCK = 4096;

    private final TensorInfo base;
    private final MemorySegment baseData;
    private final List<TensorInfo> infos;
    private final List<MemorySegment> data;
    private final List<Path> checkpoints;
    private final List<String> taskNames;
    private final List<ImmutableRoaringBitmap> cores;
    private final DType outDtype;
    private final MemorySegment out;
    private final int chunk;
    private final int n;

    TensorFuser(TensorInfo base, MemorySegment baseData, List<TensorInfo> infos, List<MemorySegment> data, List<Path> checkpoints,
                List<String> taskNames, List<ImmutableRoaringBitmap> cores, DType outDtype, MemorySegment out, int chunk) {
        this.base = base;
        this.baseData = baseData;
        this.infos = infos;
        this.data = data;
        this.checkpoints = checkpoints;
        this.taskNames = taskNames;
        this.cores = cores;
        this.outDtype = outDtype;
        this.out = out;
        this.chunk = chunk;
        this.n = infos.size();
    }

    /** Per-thread buffers: N decoded blocks, the double lanes of the Gram matrix and of the combination, block owners. */
    static final class Scratch {
        final float[][] x;
        final float[] o;
        final double[] acc;
        final double[][] lanes;
        final int[] owner;
        final int[] touched;
        final int[][] core;
        final int[] cursor;
        final int[] batch = new int[256];

        Scratch(int n, int block) {
            x = new float[n][block];
            o = new float[block];
            acc = new double[block];
            lanes = new double[n * (n + 1) / 2][block];
            owner = new int[block];
            touched = new int[block];
            core = new int[n][64];
            cursor = new int[n];
        }
    }

    TensorInfo base() {
        return base;
    }

    int chunks() {
        return (int) ((base.numel() + chunk - 1) / chunk);
    }

    int block() {
        return Math.min(BLOCK, chunk);
    }

    /** Chunk {@code c}'s part of the Gram matrix, upper triangle packed row by row. */
    double[] gram(int c, Scratch s) throws FusionInputException {
        long start = (long) c * chunk;
        long end = Math.min(base.numel(), start + chunk);
        int used = (int) Math.min(block(), end - start);
        for (double[] lane : s.lanes) {
            Arrays.fill(lane, 0, used, 0.0);
        }
        for (long b = start; b < end; b += block()) {
            int len = (int) Math.min(block(), end - b);
            for (int j = 0; j < n; j++) {
                FloatCodec.decode(infos.get(j).dtype(), data.get(j), b, s.x[j], 0, len);
            }
            int p = 0;
            for (int j = 0; j < n; j++) {
                for (int k = j; k < n; k++) {
                    FusionKernels.accumulate(s.lanes[p++], s.x[j], s.x[k], len);
                }
            }
        }
        double[] g = new double[s.lanes.length];
        for (int p = 0; p < g.length; p++) {
            double sum = 0;
            for (int i = 0; i < used; i++) {
                sum += s.lanes[p][i];
            }
            g[p] = sum;
        }
        for (int j = 0, p = 0; j < n; p += n - j, j++) {
            if (!Double.isFinite(g[p])) {
                throw nonFinite(j, start, end, s);
            }
        }
        return g;
    }

    /** Unpacks and sums the chunks' packed triangles, in chunk order, into the symmetric Gram matrix. */
    double[][] sumGram(List<double[]> parts) {
        double[] total = new double[n * (n + 1) / 2];
        for (double[] part : parts) {
            for (int p = 0; p < total.length; p++) {
                total[p] += part[p];
            }
        }
        double[][] g = new double[n][n];
        for (int j = 0, p = 0; j < n; j++) {
            for (int k = j; k < n; k++, p++) {
                g[j][k] = total[p];
                g[k][j] = total[p];
            }
        }
        return g;
    }

    /**
     * Writes chunk {@code c} of the output.
     *
     * @param coef c_1..c_N of the merge (more entries are ignored)
     * @return elements transplanted per task (N entries), then the number of conflicts
     */
    long[] combine(int c, double[] coef, Scratch s) {
        long start = (long) c * chunk;
        long end = Math.min(base.numel(), start + chunk);
        long[] stats = new long[n + 1];
        int[] count = new int[n];
        for (int j = 0; j < n; j++) {
            count[j] = coreIndices(j, start, end, s);
            s.cursor[j] = 0;
        }
        for (long b = start; b < end; b += block()) {
            int len = (int) Math.min(block(), end - b);
            for (int j = 0; j < n; j++) {
                FloatCodec.decode(infos.get(j).dtype(), data.get(j), b, s.x[j], 0, len);
            }
            FusionKernels.combine(s.x, coef, n, s.acc, s.o, len);
            transplant(count, b, len, (int) (b - start), s, stats);
            FloatCodec.encode(outDtype, s.o, 0, len, out, b);
        }
        return stats;
    }

    /**
     * Overwrites the block's core elements with the owning task's value. Tasks are visited in the
     * order given; a later task takes an element from the current owner only with a strictly larger
     * |θi − θ0| (float32), so an exact tie stays with the first task.
     * {@code owner[k]} is 0 for no core, else task+1, negated once the element is counted as a conflict;
     * it is all zero between blocks (only the touched entries are reset).
     */
    private void transplant(int[] count, long b, int len, int blockOffset, Scratch s, long[] stats) {
        int end = blockOffset + len;
        int touched = 0;
        int[] owner = s.owner;
        float[] o = s.o;
        for (int j = 0; j < n; j++) {
            int[] core = s.core[j];
            float[] xj = s.x[j];
            int i = s.cursor[j];
            for (int limit = count[j]; i < limit && core[i] < end; i++) {
                int k = core[i] - blockOffset;
                int prev = owner[k];
                if (prev == 0) {
                    o[k] = xj[k];
                    owner[k] = j + 1;
                    s.touched[touched++] = k;
                    continue;
                }
                if (prev > 0) {
                    stats[n]++;
                }
                int holder = Math.abs(prev) - 1;
                float theta0 = baseElement(b + k);
                if (Math.abs(xj[k] - theta0) > Math.abs(s.x[holder][k] - theta0)) {
                    o[k] = xj[k];
                    owner[k] = -(j + 1);
                } else {
                    owner[k] = -(holder + 1);
                }
            }
            s.cursor[j] = i;
        }
        // Count the winners and leave the owners all zero for the next block.
        for (int t = 0; t < touched; t++) {
            int k = s.touched[t];
            stats[Math.abs(owner[k]) - 1]++;
            owner[k] = 0;
        }
    }

    /** One element of θ0 as float32, read in place (conflicts are rare and scattered: no block decode). */
    private float baseElement(long e) {
        return switch (base.dtype()) {
            case BF16 -> Float.intBitsToFloat(baseData.get(FloatCodec.LE_SHORT, 2 * e) << 16);
            case F16 -> Float.float16ToFloat(baseData.get(FloatCodec.LE_SHORT, 2 * e));
            case F32 -> baseData.get(FloatCodec.LE_FLOAT, 4 * e);
            case F64 -> (float) baseData.get(FloatCodec.LE_DOUBLE, 8 * e);
            default -> throw new IllegalStateException("tensor '" + base.name() + "' is " + base.dtype() + ", not floating");
        };
    }

    /** Copies task j's core indices within [start, end) into {@code s.core[j]}, sorted, as offsets from start; returns how many. */
    int coreIndices(int j, long start, long end, Scratch s) {
        ImmutableRoaringBitmap bitmap = cores.get(j);
        if (bitmap.isEmpty()) {
            return 0;
        }
        BatchIterator it = bitmap.getBatchIterator();
        it.advanceIfNeeded((int) start);
        int count = 0;
        while (it.hasNext()) {
            int m = it.nextBatch(s.batch);
            for (int i = 0; i < m; i++) {
                if (Integer.toUnsignedLong(s.batch[i]) >= end) {
                    return count;
                }
                if (count == s.core[j].length) {
                    // grows to at most the chunk size: the buffers stay bounded by the chunk, not the tensor
                    s.core[j] = Arrays.copyOf(s.core[j], (int) Math.min(end - start, 2L * count));
                }
                s.core[j][count++] = (int) (Integer.toUnsignedLong(s.batch[i]) - start);
            }
        }
        return count;
    }

    private FusionInputException nonFinite(int task, long start, long end, Scratch s) {
        for (long b = start; b < end; b += block()) {
            int len = (int) Math.min(block(), end - b);
            FloatCodec.decode(infos.get(task).dtype(), data.get(task), b, s.x[task], 0, len);
            for (int i = 0; i < len; i++) {
                float v = s.x[task][i];
                if (!Float.isFinite(v)) {
                    return new FusionInputException(String.format(Locale.ROOT,
                            "task '%s' checkpoint %s: tensor '%s' element %d (index %s) is %s; fusion needs finite weights:"
                                    + " the probe fine-tune diverged, re-run it (e.g. with a lower learning rate) or leave the task out",
                            taskNames.get(task), checkpoints.get(task), base.name(), b + i, index(b + i), v));
                }
            }
        }
        return new FusionInputException("task '" + taskNames.get(task) + "' checkpoint " + checkpoints.get(task) + ": tensor '"
                + base.name() + "' has a non-finite sum of squares; fusion needs finite weights");
    }

    /** The row-major multi-index of a flat element index. */
    private String index(long flat) {
        long[] shape = base.shape();
        List<Long> idx = new ArrayList<>();
        for (int d = shape.length - 1; d >= 0; d--) {
            idx.addFirst(shape[d] == 0 ? 0 : flat % shape[d]);
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return idx.toString();
    }
}
