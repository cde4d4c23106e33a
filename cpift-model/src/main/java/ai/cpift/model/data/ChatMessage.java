package ai.cpift.model.data;

/** One message of a conversation. */
public record ChatMessage(ChatRole role, String content) {
}
