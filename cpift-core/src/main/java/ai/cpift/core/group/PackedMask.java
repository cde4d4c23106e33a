package ai.cpift.core.group;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A core mask copied onto the heap in the layout the Jaccard kernel reads fastest (see
 * {@link PackedTensor}): 2 bytes per core element, so 50 masks of 11 M elements take 1.1 GB.
 * Pack a mask once and keep it; the cluster service keeps the packed masks of a pipeline's tasks
 * so that a new task costs one row of intersections.
 */
public final class PackedMask {
    private final Path source;
    private final MaskHeader header;
    private final List<PackedTensor> tensors;
    private final Map<String, PackedTensor> byName;
    private final long cardinality;

    private PackedMask(Path source, MaskHeader header, List<PackedTensor> tensors, long cardinality) {
        this.source = source;
        this.header = header;
        this.tensors = Collections.unmodifiableList(tensors);
        this.byName = new HashMap<>();
        for (PackedTensor t : tensors) {
            byName.put(t.name, t);
        }
        this.cardinality = cardinality;
    }

    /**
     * Copies a mask's bitmaps (zero-copy views of its file) onto the heap; the file may be closed
     * afterwards. All its elements go in one array, which the garbage collector allocates once and
     * never moves (a large object), so packing many masks does not copy them again and again.
     */
    public static PackedMask of(CoreMask mask) {
        if (mask.cardinality() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("mask " + mask.source() + " holds " + mask.cardinality()
                    + " core elements, more than one Java array can pack (2^31 - 9); use a smaller core size p");
        }
        char[] lows = new char[(int) mask.cardinality()];
        List<PackedTensor> packed = new ArrayList<>();
        int offset = 0;
        for (MaskTensor t : mask.tensors()) {
            if (t.cardinality() > 0) {
                PackedTensor p = PackedTensor.of(t.name(), mask.bitmap(t.name()), lows, offset);
                packed.add(p);
                offset = p.end();
            }
        }
        return new PackedMask(mask.source(), mask.header(), packed, offset);
    }

    /** Packs several masks, {@code threads} at a time, keeping their order. */
    public static List<PackedMask> ofAll(List<CoreMask> masks, int threads) {
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, masks.size())))) {
            List<Future<PackedMask>> futures = new ArrayList<>();
            for (CoreMask m : masks) {
                futures.add(pool.submit(() -> of(m)));
            }
            List<PackedMask> out = new ArrayList<>();
            for (Future<PackedMask> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while packing masks", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The task name given at mask time. */
    public String task() {
        return header.task();
    }

    /** The mask file it was read from (for messages). */
    public Path source() {
        return source;
    }

    public MaskHeader header() {
        return header;
    }

    /** |C|: the number of core elements. */
    public long cardinality() {
        return cardinality;
    }

    /** The tensors holding at least one core element, in the mask's (name) order. */
    List<PackedTensor> packedTensors() {
        return tensors;
    }

    /** The packed core of a tensor, or null when this mask has none there. */
    PackedTensor packed(String tensor) {
        return byName.get(tensor);
    }

    MaskChecks.Entry checkEntry() {
        return new MaskChecks.Entry(source, header);
    }
}
