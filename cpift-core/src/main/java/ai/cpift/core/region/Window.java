package ai.cpift.core.region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One thread's window on a (base, tuned) pair: up to {@link #BYTES} bytes of each tensor, read
 * with positional reads into two reused direct buffers and handed to the kernels as a range of
 * their own. Every scan of the core-region stage goes through windows: on Linux, a pass over a
 * checkpoint in the page cache through pread runs about 1.5 times as fast as through a fresh memory
 * mapping, whose first touch of every 64 KiB costs a page fault (measured by {@code cpift bench
 * mask}, which reports both). Half a megabyte a side keeps both buffers in the core's cache
 * while the kernel reads them.
 */
final class Window {
    static final int BYTES = 512 << 10;

    private ByteBuffer a;
    private ByteBuffer b;
    private MemorySegment aSeg;
    private MemorySegment bSeg;

    /** The most elements of r one window holds. */
    static long span(DeltaRange r) {
        return BYTES / Math.max(r.baseType().byteSize(), r.tunedType().byteSize());
    }

    /**
     * Elements [from, to) of r (at most {@link #span} of them) as a range starting at global index
     * {@code r.globalStart() + from}; valid until the next call.
     *
     * @throws UncheckedIOException when a read fails; its cause names the file
     */
    DeltaRange load(DeltaRange r, long from, long to) {
        long n = to - from;
        int aBytes = r.baseType().byteSize();
        int bBytes = r.tunedType().byteSize();
        if (a == null) {
            a = ByteBuffer.allocateDirect(BYTES);
            b = ByteBuffer.allocateDirect(BYTES);
            aSeg = MemorySegment.ofBuffer(a);
            bSeg = MemorySegment.ofBuffer(b);
        }
        try {
            r.baseReader().read(from * aBytes, a.clear().limit((int) (n * aBytes)));
            r.tunedReader().read(from * bBytes, b.clear().limit((int) (n * bBytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DeltaRange(r.name(), r.globalStart() + from, n, aSeg.asSlice(0, n * aBytes), r.baseType(),
                bSeg.asSlice(0, n * bBytes), r.tunedType(), null, null);
    }

    /** {@link DeltaKernel#collect} over [from, to) of r, a window at a time. */
    boolean collect(DeltaKernel kernel, DeltaRange r, long from, long to, int minBits, DeltaKernel.Scratch s, DeltaKernel.Sink sink) {
        long span = span(r);
        for (long p = from; p < to; p += span) {
            DeltaRange w = load(r, p, Math.min(to, p + span));
            if (!kernel.collect(w, 0, w.numel(), minBits, s, sink)) {
                return false;
            }
        }
        return true;
    }

    /** {@link DeltaKernel#histogram} over [from, to) of r, a window at a time. */
    void histogram(DeltaKernel kernel, DeltaRange r, long from, long to, int shift, int prefix, DeltaKernel.Scratch s, long[] hist) {
        long span = span(r);
        for (long p = from; p < to; p += span) {
            DeltaRange w = load(r, p, Math.min(to, p + span));
            kernel.histogram(w, 0, w.numel(), shift, prefix, s, hist);
        }
    }
}
