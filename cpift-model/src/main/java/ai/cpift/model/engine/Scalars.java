package ai.cpift.model.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for code that autograd records: use {@code x.mul(Scalars.like(x, 0.25))}, never
 * {@code x.mul(0.25)}.
 *
 * <p>DJL's PyTorch engine turns a Java number operand ({@code mul(Number)}, {@code div(Number)},
 * {@code add(Number)}, ...) into a tensor over a direct buffer, which libtorch reads in place
 * ({@code torch::from_blob}, no copy), and closes that tensor as soon as the op returns; once the
 * garbage collector has found the buffer unreachable, its memory is freed and reused. Autograd keeps
 * the operand of a product or a quotient for the backward pass, which then reads whatever that memory
 * holds by then: gradients that depend on the JVM's history and on timing (seen as runs with the same
 * seed ending with different weights, and a killed-and-resumed run differing from a straight one).
 * The array made here is allocated by libtorch, so the graph owns what it keeps; the Java handle
 * belongs to {@code like}'s manager. The result of the op is the same bits as with the number.
 */
public final class Scalars {
    private Scalars() {
    }

    /** A 0-dimensional array of {@code value} in {@code like}'s data type, in {@code like}'s manager. */
    public static NDArray like(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }
}
