package ai.cpift.model.data;

import java.util.Arrays;

/**
 * An example as token ids: {@code [bos] + prompt + response + [eos]} (bos only when the tokenizer
 * has one). The loss is taken on the response and the eos, i.e. on the tokens from
 * {@code responseStart} on, never on the prompt.
 *
 * @param origin        the line it was read from
 * @param tokens        the ids
 * @param responseStart index of the first response token: at least 1 (a response token needs a token before it
 *                      to be predicted from) and below {@code tokens.length} (at least one response token)
 * @param startsWithBos whether {@code tokens[0]} is a bos that truncation must keep
 */
public record TokenizedExample(ExampleOrigin origin, int[] tokens, int responseStart, boolean startsWithBos) {
    public TokenizedExample {
        if (responseStart < 1 || responseStart >= tokens.length) {
            throw new IllegalArgumentException("example " + origin + ": response start " + responseStart + " of "
                    + tokens.length + " tokens leaves no prompt token or no response token");
        }
    }

    public int length() {
        return tokens.length;
    }

    /** Per token: 1 on the response and the eos, 0 on bos and the prompt. */
    public int[] lossMask() {
        int[] mask = new int[tokens.length];
        Arrays.fill(mask, responseStart, tokens.length, 1);
        return mask;
    }

    /**
     * This example cut to at most {@code maxTokens} tokens (itself when it fits). The prompt goes
     * first, from the left (its oldest part; the bos and the end of the prompt, which leads into the
     * response, stay), down to the bos alone, or to the last prompt token when there is no bos, so
     * that the first response token is still predicted. Only then is the response cut, from the
     * right: the eos first (a cut response must not teach the model to stop there), then its last
     * tokens. At least one response token always remains.
     *
     * @param maxTokens at least 2 (bos or one prompt token, and one response token)
     */
    public TokenizedExample truncated(int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens " + maxTokens + " leaves no room for a prompt and a response "
                    + "token; fix: allow at least 2");
        }
        int excess = tokens.length - maxTokens;
        if (excess <= 0) {
            return this;
        }
        int head = startsWithBos ? 1 : 0;
        int promptCut = Math.min(excess, responseStart - 1);
        int responseCut = excess - promptCut;
        int[] out = new int[maxTokens];
        System.arraycopy(tokens, 0, out, 0, head);
        System.arraycopy(tokens, head + promptCut, out, head, maxTokens - head);
        assert tokens.length - responseCut - (head + promptCut) == maxTokens - head;
        return new TokenizedExample(origin, out, responseStart - promptCut, startsWithBos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedExample t && origin.equals(t.origin) && Arrays.equals(tokens, t.tokens)
                && responseStart == t.responseStart && startsWithBos == t.startsWithBos;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * origin.hashCode() + Arrays.hashCode(tokens)) + responseStart;
    }

    @Override
    public String toString() {
        return "TokenizedExample[" + origin + ", " + tokens.length + " tokens, response from " + responseStart + "]";
    }
}
