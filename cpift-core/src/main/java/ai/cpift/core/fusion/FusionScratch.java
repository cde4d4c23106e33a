package ai.cpift.core.fusion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One worker thread's buffers, sized by the block, never by the tensor: the windows read from
 * the tasks and the base, N decoded blocks, the gathered output, the double lanes of the Gram
 * matrix and of the combination, and the transplant's bookkeeping. For N = 3 and blocks of 16 K
 * elements about 3.5 MB, plus core index buffers that grow to at most a chunk.
 */
final class FusionScratch {
    final float[][] x;
    final MemorySegment[] xView;
    final float[] o;
    final MemorySegment oView;
    final double[] acc;
    final double[][] lanes;
    /** {@link PairKernel}'s Gram accumulators: float32 within a block, double across blocks. */
    final float[][] facc;
    final double[][] dacc;
    final int[] owner;
    final int[] touched;
    final int[] claimAt;
    final int[] claimBy;
    final float[] theta0;
    final int[][] core;
    final int[] count;
    final int[] cursor;
    /** Per task, a bitmap of its core elements in the current block ({@link CoreTransplant#applyBf16}). */
    final long[][] marks;
    /** Encoded output blocks, gathered here and written to the file together ({@link TensorFuser#WRITE_BYTES}). */
    final MemorySegment outBlock;
    /** Per task, the window {@link TaskWindows} reads into ({@link TaskWindows#WINDOW_BYTES}), and the same memory as a segment. */
    final ByteBuffer[] window;
    final MemorySegment[] in;
    /** The window of base elements {@link CoreTransplant} reads, holding elements [baseFrom, baseTo) of {@code baseOf}'s tensor. */
    final ByteBuffer baseWindow;
    final MemorySegment baseIn;
    Object baseOf;
    long baseFrom;
    long baseTo;
    final int[] batch = new int[256];
    final BlockCodec.Bits bits;

    FusionScratch(int n, int block, int gramBlock) {
        x = new float[n][block];
        xView = new MemorySegment[n];
        for (int j = 0; j < n; j++) {
            xView[j] = MemorySegment.ofArray(x[j]);
        }
        o = new float[block];
        oView = MemorySegment.ofArray(o);
        acc = new double[block];
        lanes = new double[n * (n + 1) / 2][gramBlock];
        facc = new float[lanes.length][PairKernel.ACCUMULATORS];
        dacc = new double[lanes.length][PairKernel.ACCUMULATORS];
        owner = new int[block];
        touched = new int[block];
        // at most N−1 contested claims per element of the block
        claimAt = new int[Math.max(1, n - 1) * block];
        claimBy = new int[claimAt.length];
        theta0 = new float[claimAt.length];
        core = new int[n][64];
        count = new int[n];
        cursor = new int[n];
        marks = new long[n][(block + 63) >>> 6];
        // off-heap, so the file write needs no copy; at least one block of the largest output dtype (F64)
        outBlock = Arena.ofAuto().allocate(Math.max(TensorFuser.WRITE_BYTES, 8L * block), 64);
        bits = new BlockCodec.Bits(block);
        window = new ByteBuffer[n];
        in = new MemorySegment[n];
        for (int j = 0; j < n; j++) {
            window[j] = ByteBuffer.allocateDirect(TaskWindows.WINDOW_BYTES);
            in[j] = MemorySegment.ofBuffer(window[j]);
        }
        baseWindow = ByteBuffer.allocateDirect(TaskWindows.WINDOW_BYTES);
        baseIn = MemorySegment.ofBuffer(baseWindow);
    }
}
