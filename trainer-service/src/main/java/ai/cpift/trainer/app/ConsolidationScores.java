package ai.cpift.trainer.app;

import ai.cpift.events.Artifact;
import ai.cpift.events.ModelFused;
import ai.cpift.events.TaskCore;
import ai.cpift.platform.store.ObjectStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scores of a generation: exact match (%) of the base, each task's probe, the fused and the
 * consolidated model on every task that has eval data. A probe's score is taken from its stored
 * {@value ProbeFineTune#EVAL} when that was measured on the same examples the same way; otherwise the
 * probe is downloaded and scored here.
 */
final class ConsolidationScores {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainerWork work;
    private final ObjectStore store;
    private final LocalNames names;
    private final Path dir;

    ConsolidationScores(TrainerWork work, LocalNames names, Path dir) {
        this.work = work;
        this.store = work.store();
        this.names = names;
        this.dir = dir;
    }

    /** Scores by task, then by model label ({@code base}, {@code probe}, {@code fused}, {@code consolidated}). */
    Map<String, Map<String, Double>> of(ModelFused in, Path fused, Path consolidated) throws IOException {
        List<EvalSet> sets = new ArrayList<>();
        for (TaskCore t : in.tasks()) {
            if (t.eval() != null) {
                Path file = store.get(t.eval(), dir.resolve("eval").resolve(t.task() + ".jsonl"));
                names.file(file, t.eval().key());
                sets.add(EvalSet.read(t.task(), t.eval().key(), t.eval().sha256(), file, work.evalExamples()));
            }
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        if (sets.isEmpty()) {
            return out;
        }
        sets.forEach(s -> out.put(s.task(), new LinkedHashMap<>()));
        ExactMatch em = work.exactMatch(in.settings());
        Path base = work.model(in.base());
        names.folder(base, in.base().prefix());
        em.score(base, sets).forEach((t, v) -> out.get(t).put("base", v));
        for (EvalSet s : sets) {
            TaskCore t = in.tasks().stream().filter(c -> c.task().equals(s.task())).findFirst().orElseThrow();
            Optional<Double> recorded = recorded(t, s, in.settings().maxLength());
            if (recorded.isPresent()) {
                out.get(s.task()).put("probe", recorded.get());
            } else {
                Path probe = store.getFolder(t.probe(), dir.resolve("probes").resolve(t.task()));
                names.folder(probe, t.probe().prefix());
                out.get(s.task()).put("probe", em.score(probe, List.of(s)).get(s.task()));
            }
        }
        em.score(fused, sets).forEach((t, v) -> out.get(t).put("fused", v));
        em.score(consolidated, sets).forEach((t, v) -> out.get(t).put("consolidated", v));
        return out;
    }

    /** The probe's score from its folder, if it was measured on these very examples with today's settings. */
    private Optional<Double> recorded(TaskCore t, EvalSet s, int maxLength) throws IOException {
        Optional<Artifact> a = t.probe().files().stream().filter(f -> f.key().equals(t.probe().prefix() + ProbeFineTune.EVAL)).findFirst();
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode e = JSON.readTree(store.getBytes(a.get()));
        boolean same = e.path("eval_sha256").asText().equals(s.sha256()) && e.path("examples").asInt() == s.examples().size()
                && e.path("max_new_tokens").asInt() == work.evalMaxNewTokens() && e.path("max_length").asInt() == maxLength
                && e.path("exact_match").has("probe");
        return same ? Optional.of(e.path("exact_match").path("probe").asDouble()) : Optional.empty();
    }
}
