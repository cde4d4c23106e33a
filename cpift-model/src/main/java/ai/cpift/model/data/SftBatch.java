package ai.cpift.model.data;

/**
 * One batch for next-token training, every array flat and row-major over [rows, length], ready to
 * become an NDArray of shape (rows, length). For a row made from the tokens s[0..L) of an example:
 * input at t = s[t] and label at t = s[t + 1], for t < L - 1; positions from L - 1 on are padding.
 *
 * @param rows          B, the number of examples
 * @param length        T, the positions of every row
 * @param inputIds      [B, T] s[t], or the pad id in padding
 * @param labels        [B, T] s[t + 1], or the pad id in padding (a valid id, so a gather never goes out
 *                      of range; the loss mask removes it)
 * @param lossMask      [B, T] 1 where the label is a response token or the eos, 0 where it is a prompt
 *                      token or padding
 * @param attentionMask [B, T] 1 on real input positions, 0 on padding (padding is on the right, so a causal
 *                      model never attends to it from a real position; the mask is for anything else)
 * @param truncatedRows how many rows were cut to fit {@link BatchParams#maxLength}
 */
public record SftBatch(int rows, int length, int[] inputIds, int[] labels, int[] lossMask, int[] attentionMask,
                       int truncatedRows) {

    /** The number of positions the loss is taken on (the sum of the loss mask). */
    public int lossTokens() {
        int n = 0;
        for (int m : lossMask) {
            n += m;
        }
        return n;
    }

    /** Row {@code b} of one of this batch's arrays. */
    public int[] row(int[] array, int b) {
        return java.util.Arrays.copyOfRange(array, b * length, (b + 1) * length);
    }
}
