package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The two streamed passes over one floating tensor, chunk by chunk ({@code chunk} elements, the
 * unit of parallel work), each chunk read in windows of every task ({@link TaskWindows}) and
 * walked in blocks, so the buffers stay small whatever the tensor size:
 * <ol>
 *   <li>{@link #gram}: the chunk's part of the Gram matrix G_jk = θ_j·θ_k. When every task is
 *       BF16, {@link PairKernel} reads the windows directly and sums each
 *       {@link #PAIR_GRAM_BLOCK}-element block in float32 accumulators (the products of BF16
 *       values are exact in float32), the blocks in double; should an accumulator overflow, the
 *       chunk is summed again in double. Other dtypes are decoded in the layout
 *       {@link BlockCodec} chooses and summed in double lane by lane (lane = position in a
 *       {@link #GRAM_BLOCK}-element block), the lanes then in order. Chunks are summed in chunk
 *       order: the result does not depend on the thread count.</li>
 *   <li>{@link #write}: the chunk of the output, Σ_j c_j θ_j in double rounded once to float32,
 *       the core elements overwritten ({@link CoreTransplant}), encoded into the output dtype,
 *       block by block into a buffer of up to {@link #WRITE_BYTES} that is then written to the
 *       output file at its offset ({@link Output}). BF16 tasks into a BF16 output go straight from
 *       the windows into the buffer ({@link PairKernel#combine}, then
 *       {@link CoreTransplant#applyBf16} in place).</li>
 * </ol>
 * The output is written with positional writes of filled buffers rather than through a mapping
 * of the new file: a store to a page of a new mapped file first faults it in and zero-fills it,
 * a cost (the kernel's memset, and the hypervisor's where the VM's memory has been handed back)
 * that a write of a whole buffer does not pay.
 */
final class TensorFuser {
    /** Where a tensor's output bytes go: positional writes at byte offsets of the tensor, from several threads at once. */
    interface Output {
        void write(long offset, MemorySegment bytes) throws IOException;
    }

    static final int BLOCK = 4096;
    /** The Gram pass walks smaller blocks: its N(N+1)/2 double lanes then stay in the L1 cache. */
    static final int GRAM_BLOCK = 1024;
    /** The Gram block of BF16 tasks ({@link PairKernel}): 64 products per float accumulator before they go to double. */
    static final int PAIR_GRAM_BLOCK = 2048;
    /**
     * The output block of BF16 tasks into a BF16 output: merged, then transplanted in place. Measured
     * on the bench data, the transplant costs about a third less per element in blocks of 8 to 32 K
     * than of 4 K.
     */
    static final int PAIR_BLOCK = 16384;

    /**
     * Encoded output gathered per thread before one positional write. Writes to one file are
     * serialised on its inode lock (ext4), where a second writer spins; fewer, larger writes
     * spend less time there and in system calls.
     */
    static final int WRITE_BYTES = 2 << 20;

    private final TensorInfo base;
    private final List<TensorInfo> infos;
    private final TaskWindows windows;
    private final List<String> taskNames;
    private final CoreTransplant cores;
    private final DType outDtype;
    private final Output out;
    private final int chunk;
    private final int n;
    private final boolean pairs;
    private final PairKernel kernel;
    /** BF16 tasks into a BF16 output: merged straight from the windows into the output block by {@link #kernel}. */
    private final boolean bf16Out;

    /**
     * @param infos   the task tensors, in task order
     * @param windows how they are read
     */
    TensorFuser(TensorInfo base, List<TensorInfo> infos, TaskWindows windows, List<String> taskNames,
                CoreTransplant cores, DType outDtype, Output out, int chunk, PairKernel kernel) {
        this.base = base;
        this.infos = infos;
        this.windows = windows;
        this.taskNames = taskNames;
        this.cores = cores;
        this.outDtype = outDtype;
        this.out = out;
        this.chunk = chunk;
        this.n = infos.size();
        this.pairs = pairsLayout(infos);
        this.kernel = kernel;
        this.bf16Out = pairs && outDtype == DType.BF16;
    }

    /** Blocks are held in pair layout exactly when every task tensor is BF16. */
    static boolean pairsLayout(List<TensorInfo> infos) {
        return infos.stream().allMatch(i -> i.dtype() == DType.BF16);
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

    int pairBlock() {
        return Math.min(PAIR_BLOCK, chunk);
    }

    static int gramBlock(int block) {
        return Math.min(GRAM_BLOCK, block);
    }

    /**
     * Chunk {@code c}'s part of the Gram matrix, upper triangle packed row by row. BF16 tasks go
     * through {@link #kernel} (float32 accumulators per block, double across blocks); should a
     * float32 accumulator overflow, or other dtypes, the chunk is summed in double throughout.
     */
    double[] gram(int c, FusionScratch s) throws FusionInputException {
        long start = (long) c * chunk;
        long end = Math.min(base.numel(), start + chunk);
        double[] g = pairs ? pairGram(start, end, s) : null;
        if (g == null) {
            g = doubleGram(start, end, s);
        }
        for (int j = 0, p = 0; j < n; p += n - j, j++) {
            if (!Double.isFinite(g[p])) {
                throw NonFiniteTask.error(windows, j, infos.get(j), taskNames.get(j), start, end, s);
            }
        }
        return g;
    }

    /** The Gram part of [start, end) by {@link PairKernel}; null when a sum is not finite. */
    private double[] pairGram(long start, long end, FusionScratch s) {
        for (double[] lane : s.dacc) {
            Arrays.fill(lane, 0.0);
        }
        int block = Math.min(PAIR_GRAM_BLOCK, block());
        long span = windows.span(block);
        for (long w = start; w < end; w += span) {
            int len = (int) Math.min(span, end - w);
            windows.load(w, len, s);
            for (int b = 0; b < len; b += block) {
                kernel.gram(s.in, n, b, Math.min(block, len - b), s);
            }
        }
        double[] g = new double[s.dacc.length];
        for (int p = 0; p < g.length; p++) {
            double sum = 0;
            for (int l = 0; l < PairKernel.ACCUMULATORS; l++) {
                sum += s.dacc[p][l];
            }
            if (!Double.isFinite(sum)) {
                return null;
            }
            g[p] = sum;
        }
        return g;
    }

    /** The Gram part of [start, end), products and sums in double, lane by lane. */
    private double[] doubleGram(long start, long end, FusionScratch s) {
        int block = gramBlock(block());
        int used = (int) Math.min(block, end - start);
        for (double[] lane : s.lanes) {
            Arrays.fill(lane, 0, used, 0.0);
        }
        long span = windows.span(block);
        for (long w = start; w < end; w += span) {
            int windowLen = (int) Math.min(span, end - w);
            windows.load(w, windowLen, s);
            for (int b = 0; b < windowLen; b += block) {
                int len = Math.min(block, windowLen - b);
                decode(b, len, s);
                int p = 0;
                for (int j = 0; j < n; j++) {
                    for (int k = j; k < n; k++) {
                        FusionKernels.accumulate(s.lanes[p++], s.x[j], s.x[k], len);
                    }
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
        return g;
    }

    /**
     * Writes chunk {@code c} of the output.
     *
     * @param coef c_1..c_N of the merge (further entries are ignored)
     * @return elements transplanted per task (N entries), then the number of contested elements
     */
    long[] write(int c, double[] coef, FusionScratch s) {
        long start = (long) c * chunk;
        long end = Math.min(base.numel(), start + chunk);
        long[] stats = new long[n + 1];
        cores.startChunk(start, end, s);
        int step = bf16Out ? pairBlock() : block();
        long span = windows.span(step);
        long room = s.outBlock.byteSize() / outDtype.byteSize();
        long pending = start;
        for (long w = start; w < end; w += span) {
            long windowEnd = Math.min(end, w + span);
            windows.load(w, (int) (windowEnd - w), s);
            for (long b = w; b < windowEnd; b += step) {
                int len = (int) Math.min(step, windowEnd - b);
                if (b - pending + len > room) {
                    put(pending, (int) (b - pending), s);
                    pending = b;
                }
                long at = b - pending;
                if (bf16Out) {
                    kernel.combine(s.in, n, coef, b - w, len, s.outBlock, at, s);
                    cores.applyBf16(b, len, (int) (b - start), s.in, b - w, s.outBlock, at, s, stats);
                } else {
                    decode(b - w, len, s);
                    FusionKernels.combine(s.x, coef, n, s.acc, s.o, len);
                    cores.apply(b, len, (int) (b - start), s, stats);
                    BlockCodec.encode(pairs, outDtype, s.o, s.oView, len, s.outBlock, at, s.bits);
                }
            }
        }
        put(pending, (int) (end - pending), s);
        return stats;
    }

    /** Writes the encoded elements [b, b+len) gathered in {@code s.outBlock} into the output tensor. */
    private void put(long b, int len, FusionScratch s) {
        long size = outDtype.byteSize();
        try {
            out.write(b * size, s.outBlock.asSlice(0, len * size));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes elements [b, b+len) of the windows into {@code s.x}. */
    private void decode(long b, int len, FusionScratch s) {
        for (int j = 0; j < n; j++) {
            BlockCodec.decode(pairs, infos.get(j).dtype(), s.in[j], b, s.x[j], s.xView[j], len);
        }
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
}
