package ai.cpift.model.eval;

import ai.cpift.model.data.BatchParams;

/**
 * How a model is evaluated on a dataset.
 *
 * @param maxNewTokens generation stops after this many tokens without an eos (the answer is then
 *                     wrong unless it already matched). Default 256: longer than the answers of the
 *                     tasks the platform evaluates, bounded so that a model that never stops costs
 *                     a known time.
 * @param batchSize    rows per forward pass, for the loss and for generation. Default 16.
 * @param maxLength    input positions of a row for the loss, cut as in training. Default
 *                     {@value BatchParams#DEFAULT_MAX_LENGTH}.
 */
public record EvalParams(int maxNewTokens, int batchSize, int maxLength) {
    public static final EvalParams DEFAULTS = new EvalParams(256, 16, BatchParams.DEFAULT_MAX_LENGTH);

    public EvalParams {
        if (maxNewTokens < 1 || batchSize < 1 || maxLength < 1) {
            throw new IllegalArgumentException("max new tokens (" + maxNewTokens + "), batch size (" + batchSize
                    + ") and max length (" + maxLength + ") must all be at least 1");
        }
    }
}
