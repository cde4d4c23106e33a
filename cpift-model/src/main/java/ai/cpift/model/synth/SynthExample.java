package ai.cpift.model.synth;

/** One generated example, written as a JSONL line {@code {"prompt": ..., "response": ...}}. */
public record SynthExample(String prompt, String response) {
    public SynthExample {
        if (prompt.isBlank() || response.isBlank()) {
            throw new IllegalArgumentException("a synthetic example needs a prompt and a response, got '" + prompt
                    + "' -> '" + response + "'");
        }
    }
}
