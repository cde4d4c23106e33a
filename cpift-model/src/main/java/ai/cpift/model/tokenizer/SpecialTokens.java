package ai.cpift.model.tokenizer;

import java.util.OptionalInt;

/**
 * The ids of a tokenizer's special tokens, each absent when the model folder names none. Where each
 * id comes from is documented on {@link Tokenizer#load}.
 *
 * @param bos beginning of sequence: put before every training example when present
 * @param eos end of sequence: put after every response, so the model learns to stop
 * @param pad padding: any id works in padded positions (they are masked), see {@link #padOrEos}
 * @param unk unknown: what characters outside the vocabulary become
 */
public record SpecialTokens(OptionalInt bos, OptionalInt eos, OptionalInt pad, OptionalInt unk) {

    /** The id to pad with: {@code pad}, else {@code eos} (many Llama tokenizers have no pad token). */
    public OptionalInt padOrEos() {
        return pad.isPresent() ? pad : eos;
    }
}
