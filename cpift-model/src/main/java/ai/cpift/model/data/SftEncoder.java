package ai.cpift.model.data;

import ai.cpift.model.tokenizer.Tokenizer;

import java.util.OptionalInt;

/**
 * Renders examples with a {@link PromptTemplate} and tokenizes them as
 * {@code [bos] + prompt + response + [eos]}. Prompt and response are encoded separately, so the
 * boundary of the loss is exact whatever the tokenizer would merge across it; the template ends
 * in a line break, where a merge would not happen anyway.
 */
public final class SftEncoder {
    private final Tokenizer tokenizer;
    private final PromptTemplate template;
    private final OptionalInt bos;
    private final int eos;

    /** @throws IllegalArgumentException when the tokenizer has no eos: a response must end with one */
    public SftEncoder(Tokenizer tokenizer, PromptTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.bos = tokenizer.specialTokens().bos();
        this.eos = tokenizer.specialTokens().eos().orElseThrow(() -> new IllegalArgumentException("the tokenizer in "
                + tokenizer.dir() + " has no eos token, so a model trained on it could not learn to stop; fix: set "
                + "\"eos_token\" in tokenizer_config.json"));
    }

    public TokenizedExample encode(SftExample example) {
        int[] prompt = tokenizer.encode(template.prompt(example));
        int[] response = tokenizer.encode(example.response());
        int head = bos.isPresent() ? 1 : 0;
        int[] tokens = new int[head + prompt.length + response.length + 1];
        if (head == 1) {
            tokens[0] = bos.getAsInt();
        }
        System.arraycopy(prompt, 0, tokens, head, prompt.length);
        System.arraycopy(response, 0, tokens, head + prompt.length, response.length);
        tokens[tokens.length - 1] = eos;
        return new TokenizedExample(example.origin(), tokens, head + prompt.length, head == 1);
    }

    public PromptTemplate template() {
        return template;
    }
}
