package ai.cpift.model.init;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A character-level vocabulary: four special tokens, then one token per character, written as a
 * standard Hugging Face {@code tokenizer.json} (a BPE model without merges, so every character
 * is its own token and a character outside the vocabulary becomes {@code <unk>}) and a
 * {@code tokenizer_config.json}. Small enough to train on a laptop; the files are read by the
 * Hugging Face tokenizers library (checked through DJL's binding; {@code transformers}' fast
 * tokenizer is the same library).
 *
 * @param characters the characters (Unicode code points) after the special tokens, in id order
 */
public record CharVocabulary(List<String> characters) {
    public static final String PAD = "<pad>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    public static final String UNK = "<unk>";
    /** Special tokens first, so their ids (0..3) do not depend on the characters chosen. */
    public static final List<String> SPECIALS = List.of(PAD, BOS, EOS, UNK);
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

    public CharVocabulary {
        characters = List.copyOf(characters);
        if (characters.isEmpty()) {
            throw new IllegalArgumentException("the vocabulary needs at least one character; fix: give the characters the "
                    + "tasks use, e.g. --vocab-chars \"abc...\"");
        }
    }

    /** The distinct characters of {@code chars} in order of first appearance; a repeat is an error. */
    public static CharVocabulary of(String chars) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> dup = new ArrayList<>();
        chars.codePoints().mapToObj(Character::toString).forEach(c -> {
            if (!seen.add(c)) {
                dup.add(c);
            }
        });
        if (!dup.isEmpty()) {
            throw new IllegalArgumentException("vocabulary characters must be distinct; repeated: " + dup.stream().distinct().toList()
                    + "; fix: list each character once");
        }
        return new CharVocabulary(new ArrayList<>(seen));
    }

    public int size() {
        return SPECIALS.size() + characters.size();
    }

    public int padId() {
        return 0;
    }

    public int bosId() {
        return 1;
    }

    public int eosId() {
        return 2;
    }

    public int unkId() {
        return 3;
    }

    /** The {@code tokenizer.json} document. */
    public ObjectNode tokenizerJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) {
            added.addObject().put("id", i).put("content", SPECIALS.get(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        // Every character a piece of its own; a run of newlines, which "." does not match, is split by the model.
        root.putObject("pre_tokenizer").put("type", "Split").put("behavior", "Isolated").put("invert", false)
                .putObject("pattern").put("Regex", ".");
        root.set("post_processor", bosProcessor(m));
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", UNK).putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < size(); i++) {
            vocab.put(token(i), i);
        }
        model.putArray("merges");
        return root;
    }

    /** Prepends {@code <s>} when special tokens are requested, as Llama's tokenizer does. */
    private ObjectNode bosProcessor(ObjectMapper m) {
        ObjectNode p = m.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = p.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = p.putObject("special_tokens").putObject(BOS).put("id", BOS);
        bos.putArray("ids").add(bosId());
        bos.putArray("tokens").add(BOS);
        return p;
    }

    /** The {@code tokenizer_config.json} document for {@code transformers}' fast tokenizer. */
    public ObjectNode tokenizerConfigJson(int maxLength) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("tokenizer_class", "PreTrainedTokenizerFast").put("add_bos_token", true).put("add_eos_token", false)
                .put("bos_token", BOS).put("eos_token", EOS).put("pad_token", PAD).put("unk_token", UNK)
                .put("model_max_length", maxLength).put("clean_up_tokenization_spaces", false).put("padding_side", "right");
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        for (int i = 0; i < SPECIALS.size(); i++) {
            decoder.putObject(Integer.toString(i)).put("content", SPECIALS.get(i)).put("lstrip", false).put("normalized", false)
                    .put("rstrip", false).put("single_word", false).put("special", true);
        }
        return c;
    }

    /** Every token's text in id order: the special tokens, then the characters. */
    public List<String> tokens() {
        List<String> all = new ArrayList<>(SPECIALS);
        all.addAll(characters);
        return all;
    }

    /** The text of token {@code id}. */
    public String token(int id) {
        return id < SPECIALS.size() ? SPECIALS.get(id) : characters.get(id - SPECIALS.size());
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public void write(Path dir, int maxLength) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        m.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson());
        m.writeValue(dir.resolve("tokenizer_config.json").toFile(), tokenizerConfigJson(maxLength));
    }
}
