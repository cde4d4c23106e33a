package ai.cpift.events;

import java.util.List;
import java.util.Objects;

/**
 * One consolidation stage: the group it served, the tasks it trained on, the frozen elements checked
 * byte for byte after it (and how many changed: always 0, or the stage fails), and the model it made.
 */
public record StageOutcome(int stage, List<String> group, List<String> trainedOn, long frozenChecked, long frozenChanged,
                           ModelRef model) {
    public StageOutcome {
        group = List.copyOf(group);
        trainedOn = List.copyOf(trainedOn);
        Objects.requireNonNull(model, "stage model");
    }
}
