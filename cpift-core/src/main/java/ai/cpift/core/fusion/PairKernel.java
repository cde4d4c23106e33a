package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.DType;

import java.lang.foreign.MemorySegment;

/**
 * The kernels of fusion when every task tensor is BF16, the common case: the Gram matrix of one
 * block, and the merged output of one block encoded as BF16 into an output buffer. This
 * class is the scalar implementation; {@link #best()} gives the Vector API one
 * ({@code VectorPairKernel}) when {@code jdk.incubator.vector} is enabled and the CPU has 512-bit
 * vectors. Both give bit-identical results, because both follow the same arithmetic, spelled out
 * here:
 *
 * <h2>Gram block</h2>
 * Element {@code k} of a block (counted from the block's start) is added to float accumulator
 * {@link #lane lane(k)} = {@code (k & 1)·16 + ((k >> 1) & 15)} of each Gram entry, as
 * {@code acc = fma(θj[k], θk[k], acc)}, in increasing k. That is 32 accumulators, the layout of a
 * 512-bit vector of 16 int lanes each holding a BF16 pair, split into its even and odd halves.
 * The product of two BF16 values is exact in float32, so each accumulator rounds once per
 * element. At the end of the block each float accumulator is added to a double one
 * ({@code dacc[p][l] += acc[p][l]}); the caller sums the 32 double lanes in order when its
 * chunk ends. A block holds {@link TensorFuser#PAIR_GRAM_BLOCK} elements, so an accumulator
 * sums at most 64 products in float32 before they go to double. Blocks start at fixed offsets
 * of the chunk, so nothing depends on the thread count. A float accumulator that overflows shows
 * as a non-finite chunk sum; the caller then recomputes the chunk in double throughout.
 *
 * <h2>Merged block</h2>
 * {@code o = (float) Σ_j c_j θj[k]}, the sum in double in task order (c_0·θ0, then + c_j·θj, each
 * product and sum rounded to double: no fused multiply-add, so it is exactly
 * {@link FusionKernels#combine}), rounded once to float32, then to BF16 with round-to-nearest-even
 * ({@link BlockCodec#bf16}).
 */
class PairKernel {
    /** Int lanes of the Gram accumulators: a 512-bit vector. */
    static final int LANES = 16;
    /** Float accumulators per Gram entry: the even and the odd element of each int lane. */
    static final int ACCUMULATORS = 2 * LANES;

    /** The accumulator of element k of a Gram block. */
    static int lane(int k) {
        return (k & 1) * LANES + ((k >> 1) & (LANES - 1));
    }

    /**
     * Adds the Gram matrix of elements [from, from+len) of the task tensors to {@code s.dacc}
     * (upper triangle packed row by row, {@link #ACCUMULATORS} double lanes per entry), through
     * float accumulators that start at zero.
     */
    void gram(MemorySegment[] tasks, int n, long from, int len, FusionScratch s) {
        for (int j = 0; j < n; j++) {
            BlockCodec.decode(true, DType.BF16, tasks[j], from, s.x[j], s.xView[j], len);
        }
        int h = len >> 1;
        int p = 0;
        for (int j = 0; j < n; j++) {
            for (int k = j; k < n; k++, p++) {
                float[] acc = s.facc[p];
                java.util.Arrays.fill(acc, 0f);
                float[] x = s.x[j];
                float[] y = s.x[k];
                // pair layout: x[i] is element 2i, x[h + i] element 2i + 1, x[2h] the odd last one
                int full = h & -LANES;
                for (int i = 0; i < full; i += LANES) {
                    for (int l = 0; l < LANES; l++) {
                        acc[l] = Math.fma(x[i + l], y[i + l], acc[l]);
                    }
                    for (int l = 0; l < LANES; l++) {
                        acc[LANES + l] = Math.fma(x[h + i + l], y[h + i + l], acc[LANES + l]);
                    }
                }
                for (int i = full; i < h; i++) {
                    acc[i & (LANES - 1)] = Math.fma(x[i], y[i], acc[i & (LANES - 1)]);
                    acc[LANES + (i & (LANES - 1))] = Math.fma(x[h + i], y[h + i], acc[LANES + (i & (LANES - 1))]);
                }
                if ((len & 1) != 0) {
                    acc[lane(len - 1)] = Math.fma(x[len - 1], y[len - 1], acc[lane(len - 1)]);
                }
                flush(acc, s.dacc[p]);
            }
        }
    }

    /** Adds the float accumulators of one block to the double lanes. */
    static void flush(float[] acc, double[] dacc) {
        for (int l = 0; l < ACCUMULATORS; l++) {
            dacc[l] += acc[l];
        }
    }

    /**
     * Writes the BF16 merge of elements [from, from+len) of the task tensors into elements
     * [at, at+len) of {@code out}.
     *
     * @param c c_0..c_{n-1} of the merge
     */
    void combine(MemorySegment[] tasks, int n, double[] c, long from, int len, MemorySegment out, long at, FusionScratch s) {
        for (int j = 0; j < n; j++) {
            BlockCodec.decode(true, DType.BF16, tasks[j], from, s.x[j], s.xView[j], len);
        }
        FusionKernels.combine(s.x, c, n, s.acc, s.o, len);
        BlockCodec.encode(true, DType.BF16, s.o, s.oView, len, out, at, s.bits);
    }

    /** The fastest kernel this JVM offers: the Vector API one when jdk.incubator.vector is enabled and vectors are 512 bits. */
    static PairKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                PairKernel k = (PairKernel) Class.forName("ai.cpift.core.fusion.VectorPairKernel").getDeclaredConstructor().newInstance();
                if (k.usable()) {
                    return k;
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                return scalar();
            }
        }
        return scalar();
    }

    static PairKernel scalar() {
        return new PairKernel();
    }

    /** Whether this kernel runs well here (the scalar one always does). */
    boolean usable() {
        return true;
    }
}
