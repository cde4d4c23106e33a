package ai.cpift.cli.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The IO limit a stage is compared with: map the files and touch every byte once (a sum of
 * 8-byte words, which the JIT vectorises), on the same number of threads as the stage. This is
 * the fastest way this JVM gets the bytes of a file in the page cache into registers.
 */
final class RawRead {
    private static final long CHUNK = 4L << 20;

    private RawRead() {
    }

    /** Reads all files; returns a checksum so the work cannot be optimised away. */
    static long readAll(List<Path> files, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Arena arena = Arena.ofShared()) {
            List<Future<Long>> parts = new ArrayList<>();
            for (Path f : files) {
                MemorySegment seg;
                try (FileChannel ch = FileChannel.open(f)) {
                    seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                }
                for (long p = 0; p < seg.byteSize(); p += CHUNK) {
                    long from = p;
                    long to = Math.min(seg.byteSize(), p + CHUNK);
                    parts.add(pool.submit(() -> sum(seg, from, to)));
                }
            }
            long s = 0;
            for (Future<Long> f : parts) {
                s += f.get();
            }
            return s;
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("raw read failed", e);
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
