package ai.cpift.core.mask;

import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task's core region as read from a mask file: one compressed bitmap of flat row-major
 * element indices per tensor. The bitmaps are zero-copy views of the file's bytes.
 */
public final class CoreMask {
    private static final ImmutableRoaringBitmap EMPTY = new org.roaringbitmap.buffer.MutableRoaringBitmap();

    private final Path source;
    private final MaskHeader header;
    private final Map<String, MaskTensor> tensors = new LinkedHashMap<>();
    private final Map<String, ImmutableRoaringBitmap> bitmaps;

    CoreMask(Path source, MaskHeader header, Map<String, ImmutableRoaringBitmap> bitmaps) {
        this.source = source;
        this.header = header;
        header.tensors().forEach(t -> tensors.put(t.name(), t));
        this.bitmaps = Collections.unmodifiableMap(bitmaps);
    }

    public Path source() {
        return source;
    }

    public MaskHeader header() {
        return header;
    }

    public String task() {
        return header.task();
    }

    /** |C|: the number of core elements. */
    public long cardinality() {
        return header.selected();
    }

    /** Every tensor the mask was computed over, in name order. */
    public List<MaskTensor> tensors() {
        return header.tensors();
    }

    public Optional<MaskTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The core elements of a tensor; empty for a tensor with no core or absent from the mask. */
    public ImmutableRoaringBitmap bitmap(String name) {
        return bitmaps.getOrDefault(name, EMPTY);
    }
}
