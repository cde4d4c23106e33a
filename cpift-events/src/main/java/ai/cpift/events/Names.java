package ai.cpift.events;

import java.util.regex.Pattern;

/**
 * Pipeline and task names. They become parts of object keys and Kafka keys, so they are restricted to
 * characters that need no escaping anywhere: a lower-case letter or digit, then up to 62 of those,
 * '-' or '_'.
 */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private Names() {
    }

    public static String requirePipeline(String name) {
        return require("pipeline", name);
    }

    public static String requireTask(String name) {
        return require("task", name);
    }

    /** The task id, the Kafka key of a task's events: {@code <pipeline>/<task>}. */
    public static String taskId(String pipeline, String task) {
        return requirePipeline(pipeline) + "/" + requireTask(task);
    }

    private static String require(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " name '" + name + "' is not valid; fix: use 1-63 characters, lower-case "
                    + "letters, digits, '-' or '_', starting with a letter or digit");
        }
        return name;
    }
}
