package ai.cpift.model.train;

import ai.djl.ndarray.NDArray;

/**
 * Cross-entropy of next-token prediction on the response only, written out rather than taken from
 * DJL's {@code SoftmaxCrossEntropyLoss} (whose pick is wrong for {@code [B, T, V]} logits when
 * B ≠ T): {@code -log softmax(logits)[label]} at every position, times the loss mask.
 */
public final class ResponseLoss {
    private ResponseLoss() {
    }

    /**
     * The per-position losses {@code [B, T]}: {@code -log p(label)}, 0 where the mask is 0.
     *
     * @param logits {@code [B, T, V]} float
     * @param labels {@code [B, T]} int64 ids in [0, V)
     * @param mask   {@code [B, T]} float, 1 on response tokens (and eos), 0 on prompt and padding
     */
    public static NDArray tokenLosses(NDArray logits, NDArray labels, NDArray mask) {
        NDArray logProbs = logits.logSoftmax(2); // [B, T, V]
        NDArray picked = logProbs.gather(labels.expandDims(2), 2).squeeze(2); // [B, T]: log p(label)
        return picked.neg().mul(mask);
    }

    /** The sum of the masked per-position losses, a scalar: divide by the response tokens for the mean. */
    public static NDArray sum(NDArray logits, NDArray labels, NDArray mask) {
        return tokenLosses(logits, labels, mask).sum();
    }
}
