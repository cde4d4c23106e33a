package ai.cpift.model.data;

/**
 * How examples are cut and padded into batches.
 *
 * @param maxLength      the most input positions T of a row (a sequence of L tokens gives T = L - 1 inputs
 *                       and labels); longer examples are truncated as {@link TokenizedExample#truncated} says.
 *                       Default {@value #DEFAULT_MAX_LENGTH}: a character-level demo example is a few hundred
 *                       tokens, and the bound keeps one runaway example from deciding the memory of a batch.
 *                       Set it to the model's {@code max_position_embeddings} or less for real models.
 * @param padToMaxLength pad every batch to {@code maxLength} (fixed shapes) instead of to its longest row.
 *                       Default false: padding costs compute on every padded position.
 */
public record BatchParams(int maxLength, boolean padToMaxLength) {
    public static final int DEFAULT_MAX_LENGTH = 1024;

    public BatchParams {
        if (maxLength < 1) {
            throw new IllegalArgumentException("batch maxLength " + maxLength + " leaves no input position; fix: allow "
                    + "at least 1 (default " + DEFAULT_MAX_LENGTH + ")");
        }
    }

    public static BatchParams defaults() {
        return new BatchParams(DEFAULT_MAX_LENGTH, false);
    }

    public BatchParams withMaxLength(int maxLength) {
        return new BatchParams(maxLength, padToMaxLength);
    }

    public BatchParams withPadToMaxLength(boolean padToMaxLength) {
        return new BatchParams(maxLength, padToMaxLength);
    }
}
