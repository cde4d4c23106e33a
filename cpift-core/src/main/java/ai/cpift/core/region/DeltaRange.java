package ai.cpift.core.region;

import ai.cpift.core.safetensors.DType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One tensor of a (base, tuned) pair, placed in the model's global element order.
 *
 * @param name        tensor name
 * @param globalStart global index of the tensor's first element
 * @param numel       number of elements
 * @param base        the base tensor's bytes, memory-mapped (for single elements)
 * @param baseType    its dtype
 * @param tuned       the fine-tuned tensor's bytes, memory-mapped
 * @param tunedType   its dtype
 * @param baseReader  positional reads of the base tensor's bytes (for scans, see {@link Window}); null
 *                    only for a {@link Window}'s own view of bytes it has read
 * @param tunedReader the same for the fine-tuned tensor
 */
public record DeltaRange(String name, long globalStart, long numel, MemorySegment base, DType baseType,
                         MemorySegment tuned, DType tunedType, Reader baseReader, Reader tunedReader) {

    /** Reads {@code dst.remaining()} bytes of a tensor from byte {@code offset} of it. */
    @FunctionalInterface
    public interface Reader {
        void read(long offset, ByteBuffer dst) throws IOException;
    }

    public boolean contains(long global) {
        return global >= globalStart && global < globalStart + numel;
    }

    /** The same pair placed at another global index (for a selection within this tensor alone). */
    DeltaRange at(long start) {
        return new DeltaRange(name, start, numel, base, baseType, tuned, tunedType, baseReader, tunedReader);
    }
}
