package ai.cpift.model.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.md} and {@code report.html} from {@code report.json} alone (so a report can be
 * rendered again from its numbers): the tables once, the plots as SVG files beside the Markdown and
 * inline in the HTML.
 */
final class ReportWriter {
    private ReportWriter() {
    }

    static void write(JsonNode r, Path out) throws IOException {
        ReportDoc d = new ReportDoc();
        List<String> tasks = new ArrayList<>();
        r.path("tasks").forEach(t -> tasks.add(t.asText()));
        d.heading(1, "CPI-FT run: " + r.path("name").asText());
        d.paragraph(String.format(Locale.ROOT, "Seed %d, %d PyTorch thread(s), %.0f s in all. cpift %s, Java %s, DJL %s, PyTorch %s, %s, %d cores. "
                        + "Every figure below is in report.json; the settings are in run.json.",
                r.path("seed").asLong(), r.path("threads").asInt(), r.path("seconds").asDouble(), v(r, "cpift"), v(r, "java"),
                v(r, "djl"), v(r, "pytorch"), v(r, "os"), r.path("versions").path("cores").asInt()));
        headline(d, r);
        d.heading(2, "Exact match per task");
        d.paragraph("Greedy generation, exact match of the response (eval split, " + r.path("settings").path("eval").path("perTask").asInt()
                + " examples per task). Distance: ‖θ − θ0‖ / ‖θ0‖ from the base.");
        List<String> head = new ArrayList<>(List.of("model"));
        head.addAll(tasks);
        head.addAll(List.of("mean", "distance"));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode m : r.path("models")) {
            List<String> row = new ArrayList<>(List.of(prefix(m) + m.path("label").asText()));
            tasks.forEach(t -> row.add(pct(m.path("exact_match").path(t).asDouble())));
            row.add("**" + pct(m.path("mean_exact_match").asDouble()) + "**");
            row.add(m.has("distance_from_base") ? String.format(Locale.ROOT, "%.4f", m.path("distance_from_base").asDouble()) : "");
            rows.add(row);
        }
        d.table(head, rows);
        sequential(d, r.path("baselines").path("sequential"));
        for (JsonNode m : r.path("methods")) {
            method(d, m, tasks, r, out);
        }
        baselineCurves(d, r, out);
        d.heading(2, "Training tokens");
        List<List<String>> tok = new ArrayList<>();
        r.path("tokens").properties().forEach(e -> {
            if (!e.getKey().equals("note")) {
                tok.add(List.of(e.getKey(), String.format(Locale.ROOT, "%,d", e.getValue().asLong())));
            }
        });
        d.table(List.of("method", "tokens"), tok);
        d.paragraph(r.path("tokens").path("note").asText());
        Files.writeString(out.resolve("report.md"), d.markdown(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("report.html"), d.html("CPI-FT run " + r.path("name").asText()), StandardCharsets.UTF_8);
    }

    /** The answer first: mean exact match of the methods' final models, and CPI-FT against multi-task SFT. */
    private static void headline(ReportDoc d, JsonNode r) {
        d.heading(2, "Summary");
        List<List<String>> rows = new ArrayList<>();
        double multitask = Double.NaN;
        for (JsonNode m : r.path("models")) {
            String kind = m.path("kind").asText();
            if (List.of("base", "fused", "consolidated", "multitask", "multistage").contains(kind)) {
                rows.add(List.of(prefix(m) + m.path("label").asText(), pct(m.path("mean_exact_match").asDouble())));
            }
            if (kind.equals("multitask")) {
                multitask = m.path("mean_exact_match").asDouble();
            }
        }
        d.table(List.of("model", "mean exact match"), rows);
        if (!Double.isNaN(multitask)) {
            for (JsonNode m : r.path("models")) {
                if (m.path("kind").asText().equals("consolidated")) {
                    double diff = m.path("mean_exact_match").asDouble() - multitask;
                    d.paragraph(String.format(Locale.ROOT, "CPI-FT '%s' is %s multi-task SFT by %.1f points of mean exact match.",
                            m.path("id").asText().split("/")[0], diff >= 0 ? "ahead of" : "behind", Math.abs(100 * diff)));
                }
            }
        }
    }

    private static void method(ReportDoc d, JsonNode m, List<String> tasks, JsonNode r, Path out) throws IOException {
        String name = m.path("name").asText();
        d.heading(2, "CPI-FT setting '" + name + "'");
        JsonNode s = m.path("settings");
        d.paragraph(String.format(Locale.ROOT, "Probes %d steps at lr %s; core top %s %%; τ = %s; stage order %s (seed %d); consolidation %d steps "
                        + "per stage at lr %s on %s data, %d examples per task.", s.path("probe").path("steps").asInt(),
                s.path("probe").path("lr").asText(), s.path("topPercent").asText(), s.path("tau").asText(), m.path("stage_order_rule").asText(),
                m.path("stage_order_seed").asLong(), s.path("consolidation").path("steps").asInt(), s.path("consolidation").path("lr").asText(),
                s.path("consolidationData").asText(), s.path("perTask").asInt()));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode k : m.path("masks")) {
            rows.add(List.of(k.path("task").asText(), String.format(Locale.ROOT, "%,d", k.path("core_elements").asLong()),
                    String.format(Locale.ROOT, "%.3g", k.path("threshold").asDouble()),
                    String.format(Locale.ROOT, "%.4f", k.path("probe_distance_from_base").asDouble())));
        }
        d.table(List.of("task", "core elements", "threshold |Δ|", "probe distance from base"), rows);
        List<String> mt = new ArrayList<>();
        m.path("tasks").forEach(t -> mt.add(t.asText()));
        double[][] jac = new double[mt.size()][mt.size()];
        for (int i = 0; i < mt.size(); i++) {
            for (int j = 0; j < mt.size(); j++) {
                jac[i][j] = m.path("jaccard").path(i).path(j).asDouble();
            }
        }
        d.svg(out, "jaccard-" + name, Svg.heatmap("Jaccard similarity of the cores (" + name + ")", mt, jac));
        List<List<String>> st = new ArrayList<>();
        for (JsonNode k : m.path("stages")) {
            st.add(List.of(String.valueOf(k.path("stage").asInt()), k.path("group").toString(), k.path("trained_on").toString(),
                    String.format(Locale.ROOT, "%,d", k.path("frozen_elements_checked").asLong()),
                    k.path("frozen_elements_changed").asLong() == 0 ? "all bit-identical" : k.path("frozen_elements_changed").asLong() + " CHANGED"));
        }
        d.paragraph("Groups at τ in stage order: " + m.path("groups") + ". Consolidation stages (stage k freezes the cores of groups 1..k−1; "
                + "the check compares every frozen element's bytes before and after the stage):");
        d.table(List.of("stage", "group", "trained on", "frozen elements checked", "frozen check"), st);
        List<Svg.Series> probes = new ArrayList<>();
        List<Svg.Series> stages = new ArrayList<>();
        for (JsonNode x : r.path("models")) {
            if (x.path("id").asText().startsWith(name + "/") && x.has("training")) {
                (x.path("kind").asText().equals("probe") ? probes : stages).add(curve(x.path("label").asText(), x));
            }
        }
        d.svg(out, "loss-probes-" + name, Svg.lines("Probe fine-tunes (" + name + ")", "step", "response loss", probes));
        d.svg(out, "loss-consolidation-" + name, Svg.lines("Consolidation stages (" + name + ")", "step", "response loss", stages));
    }

    private static void sequential(ReportDoc d, JsonNode s) {
        if (!s.isObject()) {
            return;
        }
        String a = s.path("a").asText();
        String b = s.path("b").asText();
        d.heading(2, "Forgetting: sequential " + a + " → " + b);
        d.paragraph(String.format(Locale.ROOT, "%s trained first (%d steps), then %s (%d steps), plainly and with %s's core (top %s %%) frozen. "
                        + "ΔA = exact match on %s after %s minus after %s alone (forgetting); ΔB = exact match on %s after %s minus after %s alone (learning).",
                a, s.path("steps_each").asInt(), b, s.path("steps_each").asInt(), a, s.path("top_percent").asText(), a, b, a, b, b, a));
        List<List<String>> rows = new ArrayList<>();
        for (String k : List.of("plain", "frozen")) {
            JsonNode x = s.path(k);
            rows.add(List.of(k, pct(s.path("a_after_a").asDouble()), pct(x.path("a_after_ab").asDouble()), pct(x.path("b_after_ab").asDouble()),
                    signed(x.path("delta_a").asDouble()), signed(x.path("delta_b").asDouble())));
        }
        d.table(List.of("A→B", a + " after " + a, a + " after " + b, b + " after " + b, "ΔA", "ΔB"), rows);
    }

    private static void baselineCurves(ReportDoc d, JsonNode r, Path out) throws IOException {
        List<Svg.Series> series = new ArrayList<>();
        for (JsonNode x : r.path("models")) {
            String k = x.path("kind").asText();
            if (x.has("training") && (k.equals("base") || k.equals("multitask") || k.equals("sequential"))) {
                series.add(curve(x.path("label").asText(), x));
            }
        }
        if (!series.isEmpty()) {
            d.heading(2, "Loss curves of the base and the baselines");
            d.svg(out, "loss-baselines", Svg.lines("Pre-training and baselines", "step", "response loss", series));
        }
    }

    private static Svg.Series curve(String label, JsonNode model) {
        List<double[]> pts = new ArrayList<>();
        model.path("training").path("loss_curve").forEach(p -> pts.add(new double[]{p.path(0).asDouble(), p.path(1).asDouble()}));
        return new Svg.Series(label, pts);
    }

    private static String prefix(JsonNode m) {
        String id = m.path("id").asText();
        int slash = id.indexOf('/');
        return slash < 0 || id.startsWith("baselines/") ? "" : id.substring(0, slash) + ": ";
    }

    private static String v(JsonNode r, String key) {
        return r.path("versions").path(key).asText();
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f", 100 * x);
    }

    private static String signed(double x) {
        return String.format(Locale.ROOT, "%+.1f", 100 * x);
    }
}
