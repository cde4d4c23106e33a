package ai.cpift.cli.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The IO limit a stage is compared with: every byte of the files brought into registers once (a
 * sum of 8-byte words, which the JIT vectorises), on the same number of threads as the stage,
 * in 4 MiB pieces the threads take in turn. Two ways are offered, and a bench takes the faster
 * as its limit: mapping the files ({@link #readAll}), or positional reads into a reused
 * half-megabyte buffer per thread ({@link #preadAll}); on Linux the second avoids a page fault
 * per 64 KiB of a fresh mapping and is the faster for a single pass.
 */
final class RawRead {
    private static final long CHUNK = 4L << 20;
    private static final int BUFFER = 512 << 10;

    private RawRead() {
    }

    /** One 4 MiB piece of a file, read and summed by one thread. */
    private interface Piece {
        long read(long from, long to) throws IOException;
    }

    /** Reads all files through mappings; returns a checksum so the work cannot be optimised away. */
    static long readAll(List<Path> files, int threads) throws IOException {
        try (Arena arena = Arena.ofShared()) {
            List<Piece> readers = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (Path f : files) {
                try (FileChannel ch = FileChannel.open(f)) {
                    MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                    readers.add((from, to) -> sum(seg, from, to));
                    sizes.add(seg.byteSize());
                }
            }
            return run(readers, sizes, threads);
        }
    }

    /** Reads all files with positional reads; returns a checksum so the work cannot be optimised away. */
    static long preadAll(List<Path> files, int threads) throws IOException {
        List<FileChannel> channels = new ArrayList<>();
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
        try {
            List<Piece> readers = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (Path f : files) {
                FileChannel ch = FileChannel.open(f);
                channels.add(ch);
                sizes.add(ch.size());
                readers.add((from, to) -> {
                    ByteBuffer buf = buffers.get();
                    MemorySegment seg = MemorySegment.ofBuffer(buf.clear());
                    long acc = 0;
                    for (long q = from; q < to; q += BUFFER) {
                        int n = (int) Math.min(BUFFER, to - q);
                        buf.clear().limit(n);
                        while (buf.hasRemaining()) {
                            if (ch.read(buf, q + buf.position()) < 0) {
                                throw new IOException(f + " ended early");
                            }
                        }
                        acc += sum(seg, 0, n);
                    }
                    return acc;
                });
            }
            return run(readers, sizes, threads);
        } finally {
            for (FileChannel ch : channels) {
                ch.close();
            }
        }
    }

    /** Every file's pieces on a pool of {@code threads}; the sum of their checksums. */
    private static long run(List<Piece> readers, List<Long> sizes, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int i = 0; i < readers.size(); i++) {
                Piece reader = readers.get(i);
                long size = sizes.get(i);
                for (long p = 0; p < size; p += CHUNK) {
                    long from = p;
                    long to = Math.min(size, p + CHUNK);
                    parts.add(pool.submit(() -> reader.read(from, to)));
                }
            }
            long s = 0;
            for (Future<Long> f : parts) {
                s += f.get();
            }
            return s;
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("raw read failed: " + (e.getCause() != null ? e.getCause() : e), e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long sum(MemorySegment seg, long from, long to) {
        long acc = 0;
        long p = from;
        for (; p + 8 <= to; p += 8) {
            acc += seg.get(ValueLayout.JAVA_LONG_UNALIGNED, p);
        }
        for (; p < to; p++) {
            acc += seg.get(ValueLayout.JAVA_BYTE, p);
        }
        return acc;
    }
}
