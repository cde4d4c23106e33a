package ai.cpift.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stage 5 done: the fused model trained stage by stage, one stage per group, each freezing the cores
 * of the groups before it. The pipeline's result for this generation.
 *
 * @param consolidated the final model (the last stage's)
 * @param stages       each stage, in order
 * @param scores       exact match (%) by task, then by model ({@code base}, {@code probe}, {@code fused},
 *                     {@code consolidated}); tasks without eval data are absent
 * @param report       the same as a JSON report in the bucket
 * @param steps        optimizer steps of all stages
 * @param tokens       tokens seen by all stages
 */
public record ModelConsolidated(EventMeta meta, int generation, PipelineSettings settings, ModelRef fused, ModelRef consolidated,
                                List<StageOutcome> stages, Map<String, Map<String, Double>> scores, Artifact report, long steps,
                                long tokens) implements CpiftEvent {
    public static final String TYPE = "ai.cpift.model.consolidated.v1";

    public ModelConsolidated {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(fused, "fused");
        Objects.requireNonNull(consolidated, "consolidated");
        stages = List.copyOf(stages);
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        (scores == null ? Map.<String, Map<String, Double>>of() : scores)
                .forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        scores = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(report, "report");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return meta.pipeline();
    }
}
