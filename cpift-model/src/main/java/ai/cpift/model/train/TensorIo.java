package ai.cpift.model.train;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Copies between float32 NDArrays and safetensors bytes a bounded number of whole rows at a time
 * (64 MiB of heap however large the tensor), in place on the NDArray side, so that a resumed run
 * continues with the very arrays, and bits, it would have had. Autograd must be off.
 */
final class TensorIo {
    static final int CHUNK_ELEMENTS = 16 << 20;

    private TensorIo() {
    }

    /** Encodes {@code array} (float32) into {@code dst} as {@code dtype}. */
    static void write(NDArray array, DType dtype, MemorySegment dst) {
        ai.cpift.model.io.ModelSaver.encode(array, dtype, dst, CHUNK_ELEMENTS);
    }

    /** Decodes tensor {@code t} from {@code src} into {@code target}, whose shape must be the tensor's. */
    static void read(MemorySegment src, TensorInfo t, NDArray target) {
        if (!Arrays.equals(t.shape(), target.getShape().getShape())) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + t.shapeString() + ", expected "
                    + target.getShape());
        }
        long n = t.numel();
        if (n <= CHUNK_ELEMENTS) {
            float[] values = new float[(int) n];
            FloatCodec.decode(t.dtype(), src, 0, values, 0, values.length);
            target.set(FloatBuffer.wrap(values));
            return;
        }
        long rows = t.shape()[0];
        long rowElements = n / rows;
        long rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowElements);
        NDManager manager = target.getManager();
        for (long r = 0; r < rows; r += rowsPerChunk) {
            long k = Math.min(rowsPerChunk, rows - r);
            float[] values = new float[Math.toIntExact(k * rowElements)];
            FloatCodec.decode(t.dtype(), src, r * rowElements, values, 0, values.length);
            long[] dims = t.shape();
            dims[0] = k;
            try (NDArray piece = manager.create(values, new Shape(dims))) {
                target.set(new NDIndex("{}:{}", r, r + k), piece);
            }
        }
    }
}
