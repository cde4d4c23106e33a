package ai.cpift.model.data;

import java.util.List;

/**
 * The chat shape {@code {"messages": [{"role": ..., "content": ...}, ...]}}: the last message is the
 * assistant's response, every message before it (system, user and earlier assistant turns) is the
 * context the prompt is rendered from. A conversation that goes on after its last assistant
 * message is refused rather than cut, since the trailing messages would be lost without a word.
 *
 * @param context  the messages before the response, in order; may be empty
 * @param response the content of the last assistant message
 */
public record ChatExample(ExampleOrigin origin, List<ChatMessage> context, String response) implements SftExample {
    public ChatExample {
        context = List.copyOf(context);
    }
}
