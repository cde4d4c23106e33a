package ai.cpift.model.llama;

import ai.cpift.model.engine.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * What every layer needs to know about where the current tokens sit, computed once per
 * forward pass: the RoPE tables and the causal mask.
 *
 * @param offset tokens already in the KV cache: the first new token is at this position
 * @param length new tokens in this pass
 * @param cos    {@code [length, headDim]}
 * @param sin    {@code [length, headDim]}
 * @param mask   additive {@code [length, offset+length]}: 0 where a query may look, the most
 *               negative float where the key is in its future (Hugging Face's choice, which
 *               never turns a row into NaN); null when nothing is hidden (a single new token)
 */
record Positions(int offset, int length, NDArray cos, NDArray sin, NDArray mask) {

    static Positions of(NDManager manager, RotaryEmbedding rope, int offset, int length) {
        NDList tables = rope.tables(manager, offset, length);
        return new Positions(offset, length, tables.get(0), tables.get(1), causalMask(manager, offset, length));
    }

    static NDArray causalMask(NDManager manager, int offset, int length) {
        if (length == 1) {
            return null;
        }
        NDArray queries = manager.arange(offset, offset + length).reshape(length, 1); // [T, 1] absolute positions
        NDArray keys = manager.arange(0, offset + length).reshape(1, offset + length); // [1, S]
        NDArray future = keys.gt(queries).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return future.mul(Scalars.like(future, -Float.MAX_VALUE)); // [T, S]
    }
}
