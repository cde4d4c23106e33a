package ai.cpift.cli.bench;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.safetensors.TensorSpec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The raw IO limit of a fusion: the same checkpoints opened the same way, every byte of the task
 * checkpoints read, and an output folder of the fusion's layout written through the same
 * {@link CheckpointWriter} by copying the base's bytes, in pieces spread over the same number of
 * threads: the inputs read through their mappings or with positional reads, the output copied
 * into the writer's mapping or written with positional writes as fusion does ({@link Mode}).
 * Nothing is computed, so no fusion can be faster.
 */
final class RawIo {
    private static final long PIECE = 8L << 20;
    /** The read buffer of {@link Mode#PREAD}, per thread: the size the core-region scan reads in. */
    private static final int BUFFER = 512 << 10;

    private RawIo() {
    }

    /** How the inputs are read and the output written: all are measured, and the limit is the fastest. */
    enum Mode {
        /** Inputs read through their mappings; output copied into the writer's mapping of the new file. */
        MAPPED,
        /** Inputs read through their mappings; output written with positional writes from the base's mapping ({@link CheckpointWriter#write}), as fusion writes. */
        WRITES,
        /** Inputs read with positional reads into a half-megabyte buffer per thread; output as in {@link #WRITES}. */
        PREAD
    }

    /** @return a checksum of what was read, so the reads cannot be optimised away */
    static long run(Path base, List<Path> tasks, Path out, int threads, Mode mode) throws IOException, InterruptedException {
        List<Checkpoint> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Checkpoint b = Checkpoint.open(base);
            open.add(b);
            for (Path t : tasks) {
                open.add(Checkpoint.open(t));
            }
            List<TensorSpec> specs = b.tensors().stream().map(TensorSpec::of).toList();
            try (CheckpointWriter w = CheckpointWriter.create(out, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES)) {
                List<Callable<Long>> jobs = new ArrayList<>();
                ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
                List<Checkpoint> taskCheckpoints = open.subList(1, open.size());
                for (TensorInfo t : b.tensors()) {
                    MemorySegment to = w.tensor(t.name());
                    MemorySegment from = b.data(t);
                    List<MemorySegment> reads = open.subList(1, open.size()).stream().map(c -> c.data(c.find(t.name()).orElseThrow())).toList();
                    for (long off = 0; off < t.byteLength(); off += PIECE) {
                        long o = off;
                        long len = Math.min(PIECE, t.byteLength() - off);
                        jobs.add(() -> {
                            long sum = 0;
                            if (mode == Mode.PREAD) {
                                ByteBuffer buf = buffers.get();
                                for (Checkpoint c : taskCheckpoints) {
                                    TensorInfo ti = c.find(t.name()).orElseThrow();
                                    for (long q = 0; q < len; q += BUFFER) {
                                        c.read(ti, o + q, buf.clear().limit((int) Math.min(BUFFER, len - q)));
                                        sum += xor(MemorySegment.ofBuffer(buf.flip()));
                                    }
                                }
                            } else {
                                for (MemorySegment r : reads) {
                                    sum += xor(r.asSlice(o, len));
                                }
                            }
                            if (mode != Mode.MAPPED) {
                                w.write(t.name(), o, from.asSlice(o, len));
                            } else {
                                MemorySegment.copy(from, o, to, o, len);
                            }
                            return sum;
                        });
                    }
                }
                long sum = 0;
                for (Future<Long> f : pool.invokeAll(jobs)) {
                    sum += f.get();
                }
                b.config().ifPresent(c -> {
                    try {
                        w.writeConfig(c.raw());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                w.copyAuxiliaryFiles(base);
                w.commit();
                return sum;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        } finally {
            pool.shutdownNow();
            open.forEach(Checkpoint::close);
        }
    }

    private static long xor(MemorySegment s) {
        long acc = 0;
        long n = s.byteSize() & ~7L;
        for (long i = 0; i < n; i += 8) {
            acc ^= s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        }
        for (long i = n; i < s.byteSize(); i++) {
            acc ^= s.get(ValueLayout.JAVA_BYTE, i);
        }
        return acc;
    }
}
