package ai.cpift.core.safetensors;

/**
 * What a writer needs to lay out one tensor: name, dtype and shape.
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return TensorInfo.numel(shape);
    }

    public long byteLength() {
        return Math.multiplyExact(numel(), (long) dtype.byteSize());
    }

    public static TensorSpec of(TensorInfo t) {
        return new TensorSpec(t.name(), t.dtype(), t.shape());
    }

    public TensorSpec withDtype(DType d) {
        return new TensorSpec(name, d, shape);
    }
}
