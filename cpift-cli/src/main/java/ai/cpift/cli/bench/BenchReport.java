package ai.cpift.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark figure compared with its limit, both measured (or fixed by the target) in the
 * same run.
 *
 * @param figure what was measured
 * @param value  the measurement
 * @param unit   its unit
 * @param limit  what it is compared with: a bandwidth measured in the same run, or a time budget
 * @param ratio  value / limit
 * @param target the acceptance rule, e.g. "ratio >= 0.70" or "value <= limit"
 * @param pass   whether the rule holds
 * @param extra  further figures (sizes, timings of sub-steps) for the record
 */
public record BenchReport(String figure, double value, String unit, double limit, double ratio, String target, boolean pass,
                          Map<String, Object> extra) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public BenchReport {
        extra = new LinkedHashMap<>(extra);
    }

    /** A figure that must reach at least {@code minRatio} of the limit (bandwidths). */
    public static BenchReport atLeast(String figure, double value, String unit, double limit, double minRatio, Map<String, Object> extra) {
        double ratio = value / limit;
        return new BenchReport(figure, value, unit, limit, ratio, String.format(Locale.ROOT, "ratio >= %.2f", minRatio),
                ratio >= minRatio, extra);
    }

    /** A figure that must not exceed the limit (durations). */
    public static BenchReport atMost(String figure, double value, String unit, double limit, Map<String, Object> extra) {
        double ratio = value / limit;
        return new BenchReport(figure, value, unit, limit, ratio, "value <= limit", value <= limit, extra);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("figure", figure);
        o.put("value", round(value));
        o.put("unit", unit);
        o.put("limit", round(limit));
        o.put("ratio", round(ratio));
        o.put("target", target);
        o.put("pass", pass);
        extra.forEach((k, v) -> o.set(k, JSON.valueToTree(v instanceof Double d ? round(d) : v)));
        return o;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v;
    }

    /** The exit status of a bench command: 0 when the target holds, 1 when it is missed (for scripts and CI). */
    public int exitCode() {
        return pass ? 0 : 1;
    }

    /** Prints the human summary, and with {@code json} the JSON object as the last line of {@code out}. */
    public void print(PrintStream out, boolean json) {
        if (json) {
            out.println(toJson());
        } else {
            out.printf(Locale.ROOT, "%s: %.4g %s against %.4g %s (ratio %.3f; target %s): %s%n", figure, value, unit, limit, unit,
                    ratio, target, pass ? "PASS" : "FAIL");
            extra.forEach((k, v) -> out.printf(Locale.ROOT, "  %s: %s%n", k, v));
        }
    }
}
