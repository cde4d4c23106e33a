package ai.cpift.cli.status;

import ai.cpift.events.TrainingProgressed;

import java.util.Map;

/**
 * Where one task stands: {@code registered}, {@code probing}, {@code fine-tuned}, {@code masked} or {@code failed}.
 *
 * @param progress     the latest progress of its probe fine-tune, or null
 * @param scores       exact match (%) by model once fine-tuned (empty without eval data)
 * @param coreElements elements in its core once masked, else -1
 * @param failure      {@code stage: reason} once failed, else null
 */
public record TaskStatus(String task, String phase, TrainingProgressed progress, Map<String, Double> scores, long coreElements,
                         String failure) {
    public static final String REGISTERED = "registered";
    public static final String PROBING = "probing";
    public static final String FINE_TUNED = "fine-tuned";
    public static final String MASKED = "masked";
    public static final String FAILED = "failed";

    static TaskStatus of(String task) {
        return new TaskStatus(task, REGISTERED, null, Map.of(), -1, null);
    }

    /** Done with its own stages: masked or failed. */
    public boolean terminal() {
        return phase.equals(MASKED) || phase.equals(FAILED);
    }

    TaskStatus advance(String next) {
        return rank(next) > rank(phase) ? new TaskStatus(task, next, progress, scores, coreElements, failure) : this;
    }

    TaskStatus withProgress(TrainingProgressed p) {
        return new TaskStatus(task, phase, p, scores, coreElements, failure).advance(PROBING);
    }

    TaskStatus withScores(Map<String, Double> s) {
        return new TaskStatus(task, phase, progress, s, coreElements, failure).advance(FINE_TUNED);
    }

    TaskStatus withCore(long elements) {
        return new TaskStatus(task, phase, progress, scores, elements, failure).advance(MASKED);
    }

    TaskStatus failed(String why) {
        return new TaskStatus(task, FAILED, progress, scores, coreElements, why);
    }

    /** Phases only move forward: events of different topics may be read out of order. */
    private static int rank(String phase) {
        return switch (phase) {
            case REGISTERED -> 0;
            case PROBING -> 1;
            case FINE_TUNED -> 2;
            case MASKED -> 3;
            default -> 4;
        };
    }
}
