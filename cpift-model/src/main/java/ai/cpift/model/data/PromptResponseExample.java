package ai.cpift.model.data;

/** {@code {"prompt": ..., "response": ...}}. */
public record PromptResponseExample(ExampleOrigin origin, String prompt, String response) implements SftExample {
}
