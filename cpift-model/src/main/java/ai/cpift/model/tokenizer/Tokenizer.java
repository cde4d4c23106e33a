package ai.cpift.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face tokenizer read from a model folder's {@code tokenizer.json} through DJL's bindings
 * to the Rust {@code tokenizers} library (bundled, works offline). Text is encoded exactly as the
 * file says, with no special tokens added and no truncation or padding: the SFT code adds bos and
 * eos itself, so that it knows where each one is. Encoding and decoding may be called from several
 * threads. Close it to free the native tokenizer.
 */
public final class Tokenizer implements AutoCloseable {
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "tokenizer_config.json";

    /** DJL's defaults truncate to 512 tokens and add special tokens: both off. */
    private static final Map<String, String> PLAIN = Map.of(
            "addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final Path dir;
    private final HuggingFaceTokenizer hf;
    private final SpecialTokens special;
    private final int vocabSize;

    private Tokenizer(Path dir, HuggingFaceTokenizer hf, SpecialTokens special, int vocabSize) {
        this.dir = dir;
        this.hf = hf;
        this.special = special;
        this.vocabSize = vocabSize;
    }

    /**
     * Loads the tokenizer of a model folder. The vocabulary size is one more than the largest id in
     * {@code tokenizer.json} (model vocabulary and added tokens; {@code config.json}'s
     * {@code vocab_size} may be larger, padded for the embedding).
     *
     * <p>Each special token (bos, eos, pad, unk) is taken from the first of these that names it:
     * <ol>
     *   <li>{@code tokenizer_config.json}: {@code bos_token} etc., a string or {@code {"content": ...}}.
     *       An explicit {@code null} means the model has none (Qwen2 has no bos), as in transformers;</li>
     *   <li>{@code special_tokens_map.json}, read the same way (older model folders);</li>
     *   <li>{@code config.json}: {@code bos_token_id} etc.; for a list (Llama 3's several eos) the first;
     *       {@code null} means not stated;</li>
     *   <li>{@code tokenizer.json}: for unk the model's {@code unk_token} (or Unigram's {@code unk_id}); otherwise a conventionally named
     *       added token ({@code <s>}, {@code </s>}, {@code <pad>}, {@code <unk>},
     *       {@code <|begin_of_text|>}, {@code <|endoftext|>}, ...).</li>
     * </ol>
     * The tokenizer's own files come first because they are what transformers' tokenizer uses, and
     * SFT data must end with the eos the tokenizer (and hence generation with it) knows.
     *
     * @throws TokenizerFormatException when {@code tokenizer.json} is missing or unreadable, or a
     *                                  settings file names a token that is not in it
     */
    public static Tokenizer load(Path modelDir) throws IOException {
        Path file = modelDir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new TokenizerFormatException(file, "missing; fix: point at a Hugging Face model folder that has "
                    + TOKENIZER_FILE + " (or write one with CharTokenizerWriter)");
        }
        SpecialTokenResolver resolver = SpecialTokenResolver.of(modelDir, SpecialTokenResolver.read(file));
        SpecialTokens special = resolver.resolve();
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(file, PLAIN);
        } catch (RuntimeException e) {
            throw new TokenizerFormatException(file, "not a tokenizer the Hugging Face tokenizers library can load ("
                    + e.getMessage() + "); fix: write it with tokenizers' tokenizer.save or CharTokenizerWriter", e);
        }
        return new Tokenizer(modelDir, hf, special, resolver.vocabSize());
    }

    /** The ids of {@code text}, with no special token added (the text of one still becomes it). */
    public int[] encode(String text) {
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The text of {@code ids}, special tokens included as their text. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of {@code ids}.
     *
     * @param skipSpecialTokens leave out tokens marked special (bos, eos, pad, ...)
     * @throws IllegalArgumentException for an id outside [0, vocabSize) (the native library would
     *                                  skip it without a word)
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside the vocabulary "
                        + "[0, " + vocabSize + ") of the tokenizer in " + dir + "; fix: decode ids this tokenizer produced");
            }
            longs[i] = ids[i];
        }
        return hf.decode(longs, skipSpecialTokens);
    }

    public SpecialTokens specialTokens() {
        return special;
    }

    /** One more than the largest token id. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The model folder this tokenizer was read from. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        hf.close();
    }
}
