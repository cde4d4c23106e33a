package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.safetensors.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * How fusion reads one tensor of the task checkpoints: a window of elements of each task at a
 * time, with positional reads into the thread's reused buffers ({@link FusionScratch#window}),
 * where the kernels then find it. The base's contested elements are read the same way into the
 * thread's base window ({@link CoreTransplant}).
 *
 * <p>Positional reads, not the checkpoints' memory mappings: measured on the 2-core VM of the
 * bench, a first pass over a fresh mapping of a 1 GB checkpoint in the page cache took 0.13–0.15 s
 * (touching one byte per 4 KiB page alone 0.09–0.13 s: page faults and page-table walks), a
 * second pass 0.03 s, and pread into a reused buffer of 128 KiB or more 0.04 s. Fusion's two
 * passes by pread cost less than the first touch of the mapping, and the kernels read windows
 * that sit in the core's cache.
 */
final class TaskWindows {
    /**
     * The bytes of each task tensor read per window (and of the base, {@link CoreTransplant}): N + 1
     * windows a thread, together well inside the core's L2 cache.
     */
    static final int WINDOW_BYTES = 128 << 10;

    private final List<TensorInfo> infos;
    private final List<Checkpoint> sources;
    /** The largest element size of the task tensors: a window holds {@link #WINDOW_BYTES} / this elements. */
    private final int elementBytes;

    /**
     * @param infos   the task tensors, in task order
     * @param sources the task checkpoints they are read from, in the same order
     */
    TaskWindows(List<TensorInfo> infos, List<Checkpoint> sources) {
        this.infos = infos;
        this.sources = sources;
        this.elementBytes = infos.stream().mapToInt(i -> i.dtype().byteSize()).max().orElseThrow();
    }

    /** The checkpoint task {@code j} is read from. */
    Checkpoint source(int j) {
        return sources.get(j);
    }

    /**
     * Elements per window for a pass walking blocks of {@code step} elements: whole blocks, so a
     * chunk is cut into the same blocks whatever the window, and the sums do not change with it.
     */
    long span(int step) {
        long elements = WINDOW_BYTES / elementBytes;
        if (elements < step) {
            throw new IllegalStateException("a window of " + WINDOW_BYTES + " bytes holds no block of " + step + " elements");
        }
        return elements / step * step;
    }

    /** Reads elements [from, from+len) of every task tensor into the thread's windows, {@code s.in[j]} from element 0. */
    void load(long from, int len, FusionScratch s) {
        for (int j = 0; j < infos.size(); j++) {
            load(j, from, len, s);
        }
    }

    /** {@link #load} of task {@code j} alone. */
    void load(int j, long from, int len, FusionScratch s) {
        read(sources.get(j), infos.get(j), from, len, s.window[j]);
    }

    /**
     * Reads elements [from, from+len) of tensor {@code t} of {@code source} into {@code into}, from
     * its start.
     *
     * @throws UncheckedIOException when the read fails; its cause names the file
     */
    static void read(Checkpoint source, TensorInfo t, long from, long len, ByteBuffer into) {
        int size = t.dtype().byteSize();
        try {
            source.read(t, from * size, into.clear().limit((int) (len * size)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
