package ai.cpift.core.region;

import ai.cpift.core.safetensors.DType;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a (base, tuned) pair, placed in the model's global element order.
 *
 * @param name        tensor name
 * @param globalStart global index of the tensor's first element
 * @param numel       number of elements
 * @param base        the base tensor's bytes
 * @param baseType    its dtype
 * @param tuned       the fine-tuned tensor's bytes
 * @param tunedType   its dtype
 */
public record DeltaRange(String name, long globalStart, long numel, MemorySegment base, DType baseType,
                         MemorySegment tuned, DType tunedType) {

    public boolean contains(long global) {
        return global >= globalStart && global < globalStart + numel;
    }
}
