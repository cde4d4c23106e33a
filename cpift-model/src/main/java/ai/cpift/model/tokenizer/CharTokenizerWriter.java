package ai.cpift.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a character-level tokenizer in the Hugging Face {@code tokenizers} format, for the tiny
 * models the platform trains from scratch (demo, tests). The ids are fixed:
 * {@code <pad>} = 0, {@code <s>} = 1, {@code </s>} = 2, {@code <unk>} = 3, then one token per
 * character (Unicode code point) in the order given, from 4 on.
 *
 * <p>{@code tokenizer.json}: a {@code WordLevel} model over those tokens with {@code <unk>} as its
 * unknown token; the four specials as added tokens marked special; no normaliser (text is kept
 * byte for byte: spaces, case, accents); a {@code Split} pre-tokeniser with the regex
 * {@value #SPLIT_REGEX} and behaviour {@code Isolated}, so every code point, line breaks included,
 * is its own word (with {@code .}, which matches no line break in the Oniguruma syntax, two line
 * breaks in a row would form one unknown word); no post-processor (special
 * tokens are added by the caller, never implicitly); a {@code Fuse} decoder, which joins tokens
 * without spaces. {@code tokenizer_config.json} names the four specials, the fast tokenizer class
 * and {@code clean_up_tokenization_spaces: false} (otherwise transformers would delete the space
 * before punctuation when decoding). Both follow the layout Python's tokenizers and transformers
 * write; here they are proven through DJL's bindings to the same Rust library (no Python
 * tokenizers on the build machines).
 *
 * <p>As with every Hugging Face tokenizer, the text of a special token in the input ({@code "</s>"})
 * is encoded as that special token, not as its characters.
 */
public final class CharTokenizerWriter {
    public static final String PAD = "<pad>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    public static final String UNK = "<unk>";
    /** The specials in id order: {@code <pad>} = 0, {@code <s>} = 1, {@code </s>} = 2, {@code <unk>} = 3. */
    public static final List<String> SPECIALS = List.of(PAD, BOS, EOS, UNK);
    /** One code point of any kind, line breaks included. */
    public static final String SPLIT_REGEX = "[\\s\\S]";
    /**
     * A line break, a tab, then the printable ASCII characters from space to '~' (97 characters, 101
     * tokens): enough for English text, code and the prompt templates, small enough for a tiny model.
     */
    public static final String DEFAULT_CHARS;

    static {
        StringBuilder sb = new StringBuilder("\n\t");
        for (char c = ' '; c <= '~'; c++) {
            sb.append(c);
        }
        DEFAULT_CHARS = sb.toString();
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CharTokenizerWriter() {
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if
     * needed; existing files of those names are replaced).
     *
     * @param dir   the model folder
     * @param chars the characters of the vocabulary, each once, in id order (ids 4, 5, ...)
     * @return the vocabulary in id order: the four specials, then one string per character
     * @throws IllegalArgumentException when {@code chars} is empty or names a character twice
     */
    public static List<String> write(Path dir, String chars) throws IOException {
        List<String> vocab = vocabulary(chars);
        Files.createDirectories(dir);
        Files.write(dir.resolve(Tokenizer.TOKENIZER_FILE), JSON.writeValueAsBytes(tokenizerJson(vocab)));
        Files.write(dir.resolve(Tokenizer.CONFIG_FILE), JSON.writeValueAsBytes(tokenizerConfig()));
        return vocab;
    }

    /** The vocabulary {@link #write} would write, in id order. */
    public static List<String> vocabulary(String chars) {
        if (chars == null || chars.isEmpty()) {
            throw new IllegalArgumentException("character tokenizer: no characters given; fix: pass the characters of the "
                    + "vocabulary, e.g. CharTokenizerWriter.DEFAULT_CHARS");
        }
        List<String> vocab = new ArrayList<>(SPECIALS);
        Map<Integer, Integer> firstAt = new HashMap<>();
        int[] cps = chars.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            Integer before = firstAt.putIfAbsent(cps[i], i);
            if (before != null) {
                throw new IllegalArgumentException("character tokenizer: character " + describe(cps[i]) + " appears twice, at "
                        + "positions " + before + " and " + i + " of the characters given; fix: list each character once");
            }
            vocab.add(Character.toString(cps[i]));
        }
        return List.copyOf(vocab);
    }

    private static String describe(int cp) {
        return Character.isISOControl(cp) || Character.isWhitespace(cp)
                ? String.format("U+%04X", cp) : "'" + Character.toString(cp) + "' (U+" + String.format("%04X", cp) + ")";
    }

    private static ObjectNode tokenizerJson(List<String> vocab) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < SPECIALS.size(); id++) {
            added.addObject()
                    .put("id", id)
                    .put("content", SPECIALS.get(id))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode split = root.putObject("pre_tokenizer");
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT_REGEX);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        for (int id = 0; id < vocab.size(); id++) {
            v.put(vocab.get(id), id);
        }
        model.put("unk_token", UNK);
        return root;
    }

    private static ObjectNode tokenizerConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("bos_token", BOS);
        c.put("eos_token", EOS);
        c.put("pad_token", PAD);
        c.put("unk_token", UNK);
        c.put("clean_up_tokenization_spaces", false);
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        for (int id = 0; id < SPECIALS.size(); id++) {
            decoder.putObject(Integer.toString(id))
                    .put("content", SPECIALS.get(id))
                    .put("lstrip", false)
                    .put("normalized", false)
                    .put("rstrip", false)
                    .put("single_word", false)
                    .put("special", true);
        }
        return c;
    }
}
