package ai.cpift.core.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file opened for reading. The whole file is memory-mapped (files and tensors
 * over 2 GB work), so tensors are streamed straight from the page cache without a heap copy.
 * The header is validated completely before the data is mapped.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName;
    private final Arena arena;
    private final MemorySegment mapped;

    private SafetensorsFile(Path path, SafetensorsHeader header, Arena arena, MemorySegment mapped) {
        this.path = path;
        this.header = header;
        this.arena = arena;
        this.mapped = mapped;
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        header.tensors().stream().sorted(Comparator.comparing(TensorInfo::name)).forEach(t -> m.put(t.name(), t));
        this.byName = m;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsFormatException(path, "file has " + size
                        + " bytes; a safetensors file starts with an 8-byte header length: the file is truncated or not safetensors");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > SafetensorsHeader.MAX_HEADER_BYTES || n > size - 8) {
                throw new SafetensorsFormatException(path, "header length field says " + Long.toUnsignedString(n)
                        + " bytes but the file has " + size + " bytes and headers are capped at "
                        + SafetensorsHeader.MAX_HEADER_BYTES + "; the file is corrupt or not safetensors");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8);
            SafetensorsHeader header = SafetensorsHeader.parse(path, size, json.flip());
            Arena arena = Arena.ofShared();
            try {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return new SafetensorsFile(path, header, arena, seg);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such safetensors file");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new java.io.EOFException("unexpected end of file");
            }
            pos += r;
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor names in lexicographic order. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** Tensors in lexicographic name order. */
    public List<TensorInfo> tensors() {
        return new ArrayList<>(byName.values());
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public TensorInfo tensor(String name) throws SafetensorsFormatException {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new SafetensorsFormatException(path, "no tensor named '" + name + "'");
        }
        return t;
    }

    /** The tensor's bytes, little-endian, as a read-only slice of the mapping (valid until {@link #close()}). */
    public MemorySegment data(TensorInfo t) {
        return mapped.asSlice(header.dataStart() + t.begin(), t.byteLength());
    }

    /** The size in bytes of the whole file. */
    public long fileSize() {
        return mapped.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
