package ai.cpift.model.data;

/**
 * One supervised fine-tuning example as read from a JSONL line, in one of the three usual shapes.
 * {@link PromptTemplate} renders it to prompt text; the response is what the loss is taken on.
 */
public sealed interface SftExample permits PromptResponseExample, AlpacaExample, ChatExample {
    ExampleOrigin origin();

    /** The text the model is trained to produce. */
    String response();
}
