package ai.cpift.model.data;

import java.util.Arrays;
import java.util.List;

/** Turns tokenized examples into an {@link SftBatch}: truncate each to the limit, shift, pad on the right. */
public final class SftCollator {
    private final int padId;
    private final BatchParams params;

    /** @param padId the id written in padded positions (see {@code SpecialTokens.padOrEos}) */
    public SftCollator(int padId, BatchParams params) {
        if (padId < 0) {
            throw new IllegalArgumentException("pad id " + padId + " is negative; fix: pass the tokenizer's pad (or eos) id");
        }
        this.padId = padId;
        this.params = params;
    }

    public SftBatch collate(List<TokenizedExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot make a batch of no examples; fix: pass at least one");
        }
        int rows = examples.size();
        TokenizedExample[] cut = new TokenizedExample[rows];
        int truncated = 0;
        int longest = 0;
        for (int b = 0; b < rows; b++) {
            cut[b] = examples.get(b).truncated(params.maxLength() + 1);
            truncated += cut[b] != examples.get(b) ? 1 : 0;
            longest = Math.max(longest, cut[b].length() - 1);
        }
        int length = params.padToMaxLength() ? params.maxLength() : longest;
        int[] inputs = new int[rows * length];
        int[] labels = new int[rows * length];
        int[] loss = new int[rows * length];
        int[] attention = new int[rows * length];
        Arrays.fill(inputs, padId);
        Arrays.fill(labels, padId);
        for (int b = 0; b < rows; b++) {
            int[] s = cut[b].tokens();
            int n = s.length - 1;                                    // real positions of this row
            int at = b * length;
            System.arraycopy(s, 0, inputs, at, n);                   // input t = s[t]
            System.arraycopy(s, 1, labels, at, n);                   // label t = s[t + 1]
            Arrays.fill(attention, at, at + n, 1);
            Arrays.fill(loss, at + cut[b].responseStart() - 1, at + n, 1); // label t is a response token iff t + 1 >= start
        }
        return new SftBatch(rows, length, inputs, labels, loss, attention, truncated);
    }

    public BatchParams params() {
        return params;
    }
}
