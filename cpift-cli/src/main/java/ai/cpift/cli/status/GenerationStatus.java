package ai.cpift.cli.status;

import ai.cpift.events.TrainingProgressed;

import java.util.List;
import java.util.Map;

/**
 * Where one generation stands: {@code clusters formed}, {@code fused}, {@code consolidating}, {@code consolidated}
 * or {@code failed}.
 *
 * @param tasks    the tasks it grouped
 * @param groups   its groups in stage order
 * @param progress the latest progress of its consolidation, or null
 * @param stage    the consolidation stage running (1-based) and {@code stages} in all, 0 when unknown
 * @param scores   exact match (%) by task, then model ({@code base}, {@code probe}, {@code fused}, {@code consolidated}) once consolidated
 * @param failure  {@code stage: reason} once failed, else null
 */
public record GenerationStatus(int generation, String phase, List<String> tasks, List<List<String>> groups, TrainingProgressed progress,
                               int stage, int stages, Map<String, Map<String, Double>> scores, String failure) {
    public static final String CLUSTERED = "clusters formed";
    public static final String FUSED = "fused";
    public static final String CONSOLIDATING = "consolidating";
    public static final String CONSOLIDATED = "consolidated";
    public static final String FAILED = "failed";

    static GenerationStatus of(int generation) {
        return new GenerationStatus(generation, CLUSTERED, List.of(), List.of(), null, 0, 0, Map.of(), null);
    }

    public boolean terminal() {
        return phase.equals(CONSOLIDATED) || phase.equals(FAILED);
    }

    GenerationStatus clustered(List<String> t, List<List<String>> g) {
        return new GenerationStatus(generation, phase, t, g, progress, stage, stages, scores, failure);
    }

    GenerationStatus advance(String next) {
        return rank(next) > rank(phase) ? new GenerationStatus(generation, next, tasks, groups, progress, stage, stages, scores, failure) : this;
    }

    GenerationStatus withProgress(TrainingProgressed p, int k, int n) {
        return new GenerationStatus(generation, phase, tasks, groups, p, k, n, scores, failure).advance(CONSOLIDATING);
    }

    GenerationStatus withScores(Map<String, Map<String, Double>> s, int n) {
        return new GenerationStatus(generation, phase, tasks, groups, progress, n, n, s, failure).advance(CONSOLIDATED);
    }

    GenerationStatus failed(String why) {
        return new GenerationStatus(generation, FAILED, tasks, groups, progress, stage, stages, scores, why);
    }

    private static int rank(String phase) {
        return switch (phase) {
            case CLUSTERED -> 0;
            case FUSED -> 1;
            case CONSOLIDATING -> 2;
            case CONSOLIDATED -> 3;
            default -> 4;
        };
    }
}
