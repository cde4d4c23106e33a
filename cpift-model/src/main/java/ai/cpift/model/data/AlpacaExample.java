package ai.cpift.model.data;

/**
 * The Alpaca shape {@code {"instruction": ..., "input": ..., "output": ...}}.
 *
 * @param input the empty string when the line has no input (absent, null or "")
 */
public record AlpacaExample(ExampleOrigin origin, String instruction, String input, String output) implements SftExample {
    @Override
    public String response() {
        return output;
    }
}
