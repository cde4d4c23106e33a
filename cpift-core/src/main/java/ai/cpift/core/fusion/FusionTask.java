package ai.cpift.core.fusion;

import java.nio.file.Path;

/**
 * One task taking part in a fusion.
 *
 * @param name       the task name; it must equal the task name recorded in the mask
 * @param checkpoint the task's probe fine-tuned checkpoint θi (a Hugging Face folder or a .safetensors file)
 * @param mask       the task's mask file, its core region Ci
 * @param weight     its SLERP weight wi, positive and finite; 1 by default (the method's equal weights)
 */
public record FusionTask(String name, Path checkpoint, Path mask, double weight) {
    public static final double DEFAULT_WEIGHT = 1.0;

    public FusionTask {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a fusion task needs a name (the task name of its mask), got '" + name + "'");
        }
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("task '" + name + "': weight " + weight
                    + " is not allowed; merge weights must be positive and finite (the default is " + DEFAULT_WEIGHT + ")");
        }
    }

    /** A task with the default weight. */
    public static FusionTask of(String name, Path checkpoint, Path mask) {
        return new FusionTask(name, checkpoint, mask, DEFAULT_WEIGHT);
    }

    public FusionTask withWeight(double w) {
        return new FusionTask(name, checkpoint, mask, w);
    }
}
