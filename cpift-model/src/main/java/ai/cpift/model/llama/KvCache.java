package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the tokens seen so far, per layer, for generation: each step feeds only
 * the new tokens. Keys are stored after RoPE and before grouped-query repetition,
 * {@code [B, kvHeads, S, headDim]}, as Hugging Face's {@code DynamicCache} does.
 *
 * <p>The cache owns a sub-manager of the one it was created from; the arrays of one step
 * live in that step's manager until the step completes and are then moved here, and the
 * previous step's arrays are freed, so memory stays at one copy of the cache. Inference only:
 * a failed step leaves the cache unusable.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Tokens cached so far: the position of the next token. */
    public int length() {
        return length;
    }

    /**
     * Appends one layer's new keys and values {@code [B, kvHeads, T, headDim]} and returns all of
     * them {@code [B, kvHeads, length+T, headDim]}, owned by the new keys' manager until
     * {@link #advance}.
     */
    NDList append(int layer, NDArray key, NDArray value) {
        keys[layer] = extend(keys[layer], key);
        values[layer] = extend(values[layer], value);
        return new NDList(keys[layer], values[layer]);
    }

    private static NDArray extend(NDArray old, NDArray fresh) {
        if (old == null) {
            return fresh;
        }
        NDArray all = old.concat(fresh, 2); // [B, kvHeads, S, headDim]
        all.attach(fresh.getManager()); // results follow their first operand: keep this step's work in the step's manager
        old.close();
        return all;
    }

    /** Ends a step of {@code tokens} new tokens: the cache takes ownership of every layer's arrays. */
    void advance(int tokens) {
        for (int i = 0; i < keys.length; i++) {
            keys[i].attach(manager);
            values[i].attach(manager);
        }
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
