package ai.cpift.core.mask;

/**
 * One source tensor's entry in a mask.
 *
 * @param name        the tensor name
 * @param shape       the tensor's shape
 * @param cardinality how many of its elements are core
 */
public record MaskTensor(String name, long[] shape, long cardinality) {
    public MaskTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return ai.cpift.core.safetensors.TensorInfo.numel(shape);
    }
}
