package ai.cpift.model.data;

/** The roles of a chat message, as written in JSON ({@code "system"}, ...) and in prompts ({@code System}). */
public enum ChatRole {
    SYSTEM("system", "System"),
    USER("user", "User"),
    ASSISTANT("assistant", "Assistant");

    private final String jsonName;
    private final String displayName;

    ChatRole(String jsonName, String displayName) {
        this.jsonName = jsonName;
        this.displayName = displayName;
    }

    /** The value of {@code "role"} in the data. */
    public String jsonName() {
        return jsonName;
    }

    /** The name put into the prompt by {@link PromptTemplate}. */
    public String displayName() {
        return displayName;
    }

    /** The role with this JSON name, or null. */
    static ChatRole fromJson(String name) {
        for (ChatRole r : values()) {
            if (r.jsonName.equals(name)) {
                return r;
            }
        }
        return null;
    }
}
