package ai.cpift.model.init;

import ai.cpift.core.safetensors.DType;

/**
 * How {@code cpift model init} fills a new checkpoint.
 *
 * @param dtype                stored element type
 * @param maxPositions         {@code max_position_embeddings} and the tokenizer's {@code model_max_length}
 * @param seed                 random seed; the same seed and shapes give the same bytes
 * @param std                  standard deviation of the normal init of embeddings and linear weights
 * @param randomNormsAndBiases draw norm scales as 1 + N(0, std) and biases as N(0, std) instead
 *                             of 1 and 0, so that a test sees a wrongly applied norm or bias
 */
public record InitOptions(DType dtype, int maxPositions, long seed, double std, boolean randomNormsAndBiases) {
    /**
     * float32: a tiny model costs nothing to store and keeps its init exact; 2048 positions,
     * Llama-1's context, ample for character-level text; seed 0; std 0.02, Hugging Face's
     * {@code initializer_range}; norms 1 and biases 0, as Hugging Face initialises them.
     */
    public static final InitOptions DEFAULTS = new InitOptions(DType.F32, 2048, 0, 0.02, false);

    public InitOptions {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("dtype must be floating (f32, f16, bf16, f64), got " + dtype);
        }
        if (maxPositions <= 0 || !(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("max positions must be positive and std finite and non-negative");
        }
    }
}
