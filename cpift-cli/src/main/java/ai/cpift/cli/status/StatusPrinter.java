package ai.cpift.cli.status;

import ai.cpift.events.TrainingProgressed;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A {@link PipelineView} as lines of text: a row per task, then each generation with its score table. */
public final class StatusPrinter {
    private static final int BAR = 20;
    private static final List<String> MODELS = List.of("base", "probe", "fused", "consolidated");

    private StatusPrinter() {
    }

    public static List<String> lines(PipelineView v) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "pipeline %s: %d task(s), %d generation(s), %s", v.pipeline(), v.tasks().size(),
                v.generations().size(), switch (v.outcome()) {
                    case RUNNING -> "running";
                    case DONE -> "done";
                    case FAILED -> "done, with failures";
                }));
        int w = Math.max(4, v.tasks().stream().mapToInt(t -> t.task().length()).max().orElse(4));
        for (TaskStatus t : v.tasks()) {
            out.add(String.format(Locale.ROOT, "  %-" + w + "s  %-10s  %s", t.task(), t.phase(), detail(t)).stripTrailing());
        }
        for (String f : v.pipelineFailures()) {
            out.add("  pipeline failed at " + f);
        }
        for (GenerationStatus g : v.generations()) {
            out.add(String.format(Locale.ROOT, "generation %d: %s%s", g.generation(), g.phase(), detail(g)));
            if (!g.groups().isEmpty()) {
                out.add("  groups in stage order: " + g.groups());
            }
            if (!g.scores().isEmpty()) {
                out.addAll(table(g.scores()));
            }
        }
        return out;
    }

    private static String detail(TaskStatus t) {
        return switch (t.phase()) {
            case TaskStatus.PROBING -> t.progress() == null ? "" : bar(t.progress());
            case TaskStatus.FINE_TUNED -> scores(t.scores());
            case TaskStatus.MASKED -> String.format(Locale.ROOT, "core %,d elements%s", t.coreElements(),
                    t.scores().isEmpty() ? "" : "; " + scores(t.scores()));
            case TaskStatus.FAILED -> t.failure();
            default -> "";
        };
    }

    private static String detail(GenerationStatus g) {
        return switch (g.phase()) {
            case GenerationStatus.CONSOLIDATING -> (g.stages() > 0 ? String.format(Locale.ROOT, ", stage %d/%d", g.stage(), g.stages()) : "")
                    + (g.progress() == null ? "" : " " + bar(g.progress()));
            case GenerationStatus.CONSOLIDATED -> String.format(Locale.ROOT, ", %d stage(s)", g.stages());
            case GenerationStatus.FAILED -> ": " + g.failure();
            default -> "";
        };
    }

    /** {@code [#####     ] step/steps  loss L  N tok/s}. */
    static String bar(TrainingProgressed p) {
        double frac = p.steps() <= 0 ? 0 : Math.min(1, (double) p.step() / p.steps());
        int filled = (int) Math.round(frac * BAR);
        return String.format(Locale.ROOT, "[%s%s] %d/%d  loss %.4f  %,.0f tok/s", "#".repeat(filled), " ".repeat(BAR - filled), p.step(),
                p.steps(), p.loss(), p.tokensPerSecond());
    }

    private static String scores(Map<String, Double> s) {
        List<String> parts = new ArrayList<>();
        Set<String> order = new LinkedHashSet<>(MODELS);
        order.addAll(s.keySet());
        order.stream().filter(s::containsKey).forEach(m -> parts.add(String.format(Locale.ROOT, "%s %.1f%%", m, s.get(m))));
        return parts.isEmpty() ? "" : "exact match " + String.join(", ", parts);
    }

    /** Task × model exact match (%), the models in the method's order, any other after them. */
    static List<String> table(Map<String, Map<String, Double>> scores) {
        Set<String> models = new LinkedHashSet<>();
        for (String m : MODELS) {
            if (scores.values().stream().anyMatch(s -> s.containsKey(m))) {
                models.add(m);
            }
        }
        scores.values().forEach(s -> models.addAll(s.keySet()));
        int w = Math.max(4, scores.keySet().stream().mapToInt(String::length).max().orElse(4));
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-" + w + "s", "task"));
        models.forEach(m -> head.append(String.format(Locale.ROOT, "  %12s", m)));
        out.add(head.toString());
        scores.forEach((task, s) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-" + w + "s", task));
            models.forEach(m -> row.append(s.containsKey(m) ? String.format(Locale.ROOT, "  %11.1f%%", s.get(m))
                    : String.format(Locale.ROOT, "  %12s", "-")));
            out.add(row.toString());
        });
        return out;
    }
}
