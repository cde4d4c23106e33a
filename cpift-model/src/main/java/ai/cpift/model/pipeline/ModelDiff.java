package ai.cpift.model.pipeline;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * What the report measures between two checkpoints of the same architecture: how far a model moved
 * from another, and whether elements that were frozen kept their exact bytes.
 */
public final class ModelDiff {
    private static final int CHUNK = 1 << 16;

    private ModelDiff() {
    }

    /** ‖θ − θ0‖ / ‖θ0‖ over every floating-point element, in double precision. */
    public static double relativeDistance(Path base, Path model) throws IOException {
        double diff = 0;
        double norm = 0;
        float[] a = new float[CHUNK];
        float[] b = new float[CHUNK];
        try (Checkpoint c0 = Checkpoint.open(base); Checkpoint c1 = Checkpoint.open(model)) {
            for (TensorInfo t : c0.tensors()) {
                if (!t.dtype().isFloating()) {
                    continue;
                }
                TensorInfo u = c1.info(t.name());
                for (long from = 0; from < t.numel(); from += CHUNK) {
                    int len = (int) Math.min(CHUNK, t.numel() - from);
                    FloatCodec.decode(t.dtype(), c0.data(t), from, a, 0, len);
                    FloatCodec.decode(u.dtype(), c1.data(u), from, b, 0, len);
                    for (int i = 0; i < len; i++) {
                        double d = (double) b[i] - a[i];
                        diff += d * d;
                        norm += (double) a[i] * a[i];
                    }
                }
            }
        }
        return norm == 0 ? Double.NaN : Math.sqrt(diff / norm);
    }

    /** Elements of the masks' union checked, and how many of them differ in any bit. */
    public record FrozenCheck(long checked, long changed) {
        public boolean intact() {
            return changed == 0;
        }
    }

    /** Compares the bytes of every element in the union of {@code masks} between two checkpoints. */
    public static FrozenCheck frozen(Path before, Path after, List<CoreMask> masks) throws IOException {
        long checked = 0;
        long changed = 0;
        try (Checkpoint c0 = Checkpoint.open(before); Checkpoint c1 = Checkpoint.open(after)) {
            for (TensorInfo t : c0.tensors()) {
                RoaringBitmap union = new RoaringBitmap();
                for (CoreMask m : masks) {
                    if (m.tensor(t.name()).isPresent()) {
                        union.or(m.bitmap(t.name()).toRoaringBitmap());
                    }
                }
                if (union.isEmpty()) {
                    continue;
                }
                TensorInfo u = c1.info(t.name());
                if (u.dtype() != t.dtype()) {
                    throw new IllegalStateException("tensor '" + t.name() + "' is " + t.dtype() + " in " + before + " but " + u.dtype()
                            + " in " + after + "; frozen elements can only be compared byte for byte in one dtype");
                }
                int size = t.dtype().byteSize();
                MemorySegment x = c0.data(t);
                MemorySegment y = c1.data(u);
                for (PeekableIntIterator it = union.getIntIterator(); it.hasNext(); ) {
                    long off = Integer.toUnsignedLong(it.next()) * size;
                    checked++;
                    for (int k = 0; k < size; k++) {
                        if (x.get(ValueLayout.JAVA_BYTE, off + k) != y.get(ValueLayout.JAVA_BYTE, off + k)) {
                            changed++;
                            break;
                        }
                    }
                }
            }
        }
        return new FrozenCheck(checked, changed);
    }
}
