package ai.cpift.core.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
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
 * The file also stays open for positional reads ({@link #read}): a scan that touches every byte
 * once is faster with those than through a fresh mapping, whose first touch of each page costs
 * a page fault. The header is validated completely before the data is mapped.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName;
    private final Arena arena;
    private final MemorySegment mapped;
    private final FileChannel channel;

    private SafetensorsFile(Path path, SafetensorsHeader header, Arena arena, MemorySegment mapped, FileChannel channel) {
        this.path = path;
        this.header = header;
        this.arena = arena;
        this.mapped = mapped;
        this.channel = channel;
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        header.tensors().stream().sorted(Comparator.comparing(TensorInfo::name)).forEach(t -> m.put(t.name(), t));
        this.byName = m;
    }

    /**
     * Opens and validates a file. A damaged or hostile file gives a {@link SafetensorsFormatException};
     * any other read problem an {@link IOException} whose message names the file.
     */
    public static SafetensorsFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new SafetensorsFormatException(path, "is a folder, not a safetensors file: pass one of the .safetensors files in it");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsFormatException(path, "file has " + size
                        + " bytes; a safetensors file starts with an 8-byte header length: the file is truncated or not safetensors");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(path, ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            // n is unsigned on disk: a negative long is a length of 2^63 or more.
            if (n < 0 || n > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new SafetensorsFormatException(path, "header length field says " + Long.toUnsignedString(n)
                        + " bytes, which exceeds the " + SafetensorsHeader.MAX_HEADER_BYTES
                        + "-byte cap on safetensors headers; the file is corrupt or not safetensors");
            }
            if (n < 2) {
                throw new SafetensorsFormatException(path, "header length field says " + n
                        + " bytes but a header is at least 2 bytes ({}); the file is corrupt or not safetensors");
            }
            if (n > size - 8) {
                throw new SafetensorsFormatException(path, "header length field says " + n + " bytes but only " + (size - 8)
                        + " bytes follow it; the file is truncated or not safetensors: download or copy it again");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(path, ch, json, 8);
            SafetensorsHeader header = SafetensorsHeader.parse(path, size, json.flip());
            Arena arena = Arena.ofShared();
            try {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                SafetensorsFile f = new SafetensorsFile(path, header, arena, seg, ch);
                ch = null;
                return f;
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such safetensors file");
        } catch (SafetensorsFormatException | FileSystemException e) {
            throw e; // these name the file already
        } catch (IOException e) {
            throw new IOException(path + ": cannot read the file (" + e.getMessage() + ")", e);
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long end = fill(ch, buf, pos);
        if (end >= 0) {
            throw new SafetensorsFormatException(path, "file ended at byte " + end + " while its header was read;"
                    + " it is still being written or was cut short: wait for the copy to finish or copy it again");
        }
    }

    /**
     * Positional reads from {@code pos} until {@code buf} is full.
     *
     * @return -1 when it is, else the position at which the file ended
     */
    private static long fill(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                return pos;
            }
            pos += r;
        }
        return -1;
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

    /**
     * Reads {@code dst.remaining()} bytes of the tensor, starting {@code offset} bytes into it, with
     * positional reads (safe from several threads at once).
     */
    public void read(TensorInfo t, long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset + dst.remaining() > t.byteLength()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + dst.remaining()) + ") of tensor '"
                    + t.name() + "' (" + t.byteLength() + " bytes) in " + path);
        }
        long end = fill(channel, dst, header.dataStart() + t.begin() + offset);
        if (end >= 0) {
            throw new IOException(path + ": file ended at byte " + end + " while tensor '" + t.name()
                    + "' was read; it was truncated after it was opened: copy it again");
        }
    }

    /** The size in bytes of the whole file. */
    public long fileSize() {
        return mapped.byteSize();
    }

    @Override
    /** Unmaps and closes the file; idempotent. Slices handed out before are invalid afterwards. */
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // read-only: nothing is lost when closing fails
        }
    }
}
