package ai.cpift.core.safetensors;

import ai.cpift.core.tensor.FloatCodec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one safetensors file. The layout is fixed up front from the tensor specs, the file is
 * sized and memory-mapped, and callers fill each tensor's bytes in place, in any order. Nothing
 * appears under the target name until {@link #commit()}: the data goes to a temporary file in
 * the same folder that is renamed atomically, so a crash never leaves a half-written checkpoint.
 */
public final class SafetensorsWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final Map<String, TensorInfo> layout;
    private final long dataStart;
    private final Arena arena;
    private final MemorySegment mapped;
    private final FileChannel channel;
    private final Set<String> filled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean done;

    private SafetensorsWriter(Path target, Path temp, Map<String, TensorInfo> layout, long dataStart, Arena arena, MemorySegment mapped,
                              FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.layout = layout;
        this.dataStart = dataStart;
        this.arena = arena;
        this.mapped = mapped;
        this.channel = channel;
    }

    /** Lays out the tensors back to back in the given order and opens the file for filling. */
    public static SafetensorsWriter create(Path target, List<TensorSpec> specs, Map<String, String> metadata) throws IOException {
        Map<String, TensorInfo> layout = new LinkedHashMap<>();
        long offset = 0;
        for (TensorSpec s : specs) {
            long end = Math.addExact(offset, s.byteLength());
            if (layout.put(s.name(), new TensorInfo(s.name(), s.dtype(), s.shape(), offset, end)) != null) {
                throw new IllegalArgumentException("tensor '" + s.name() + "' is listed twice for " + target);
            }
            offset = end;
        }
        byte[] header = SafetensorsHeader.encode(new ArrayList<>(layout.values()), metadata);
        long size = header.length + offset;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
        try (RandomAccessFile raf = new RandomAccessFile(temp.toFile(), "rw")) {
            raf.setLength(size);
        }
        Arena arena = Arena.ofShared();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            MemorySegment.copy(MemorySegment.ofArray(header), 0, seg, 0, header.length);
            return new SafetensorsWriter(target, temp, layout, header.length, arena, seg, ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            arena.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    public Path target() {
        return target;
    }

    public TensorInfo info(String name) {
        TensorInfo t = layout.get(name);
        if (t == null) {
            throw new IllegalArgumentException("tensor '" + name + "' is not in the layout of " + target);
        }
        return t;
    }

    /** The writable bytes of a tensor (little-endian); marks the tensor as filled. */
    public MemorySegment tensor(String name) {
        TensorInfo t = info(name);
        filled.add(name);
        return mapped.asSlice(dataStart + t.begin(), t.byteLength());
    }

    /**
     * Writes {@code bytes} into tensor {@code name} from byte {@code offset} on, with positional
     * writes to the file rather than through the mapping: the kernel copies them into the page
     * cache, so no page of the mapping is faulted in and zero-filled first. Safe to call from
     * several threads at once, on disjoint ranges. Does not mark the tensor as filled
     * ({@link #tensor} does).
     */
    public void write(String name, long offset, MemorySegment bytes) throws IOException {
        TensorInfo t = info(name);
        if (offset < 0 || offset > t.byteLength() - bytes.byteSize()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + bytes.byteSize()) + ") of tensor '" + name
                    + "', which has " + t.byteLength());
        }
        java.nio.ByteBuffer b = bytes.asByteBuffer();
        long position = dataStart + t.begin() + offset;
        while (b.hasRemaining()) {
            position += channel.write(b, position);
        }
    }

    /** Writes a whole tensor from float32 values, rounding to the tensor's dtype. */
    public void writeFloats(String name, float[] values) {
        TensorInfo t = info(name);
        if (values.length != t.numel()) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + t.numel() + " elements, got " + values.length);
        }
        FloatCodec.encode(t.dtype(), values, 0, values.length, tensor(name), 0);
    }

    /** Copies raw little-endian bytes into a tensor; the length must match exactly. */
    public void writeBytes(String name, MemorySegment bytes) {
        TensorInfo t = info(name);
        if (bytes.byteSize() != t.byteLength()) {
            throw new IllegalArgumentException("tensor '" + name + "' takes " + t.byteLength() + " bytes, got " + bytes.byteSize());
        }
        MemorySegment.copy(bytes, 0, tensor(name), 0, t.byteLength());
    }

    /** Unmaps and moves the file to its name. Every tensor must have been filled. */
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("already committed or closed: " + target);
        }
        List<String> missing = layout.keySet().stream().filter(n -> !filled.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("tensors never written to " + target + ": " + missing);
        }
        done = true;
        channel.close();
        arena.close();
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Without a prior {@link #commit()}, discards the temporary file. */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            channel.close();
            arena.close();
            Files.deleteIfExists(temp);
        }
    }
}
