package ai.cpift.cli;

import ai.cpift.core.fusion.FusionReport;
import ai.cpift.core.fusion.TensorFusion;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints a {@link FusionReport}: a summary per task, then one line per tensor. */
final class FusionReportPrinter {
    private final PrintWriter out;

    FusionReportPrinter(PrintWriter out) {
        this.out = out;
    }

    void print(FusionReport r) {
        List<String> tasks = r.tasks();
        out.printf(Locale.ROOT, "fused %d task(s) into %s in %.1f s: %d tensors, %,d elements, %s%n", tasks.size(), r.output(),
                r.elapsed().toMillis() / 1000.0, r.tensors().size(), r.elements(), ByteSize.format(r.outputBytes()));
        int w = Math.max(4, tasks.stream().mapToInt(String::length).max().orElse(4));
        out.printf(Locale.ROOT, "%-" + w + "s  %8s  %15s  %15s  %15s%n", "task", "weight", "core elements", "transplanted", "lost to others");
        for (int i = 0; i < tasks.size(); i++) {
            long core = r.coreElements(i);
            long kept = r.transplanted(i);
            out.printf(Locale.ROOT, "%-" + w + "s  %8.4g  %,15d  %,15d  %,15d%n", tasks.get(i), r.weights().get(i), core, kept, core - kept);
        }
        out.printf(Locale.ROOT, "conflicts: %,d element(s) held by two or more cores, each given to the largest |θi − θ0|%n", r.conflicts());
        int n = Math.max(6, r.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(6));
        out.printf(Locale.ROOT, "%-" + n + "s  %-11s  %13s  %-" + 10 * tasks.size() + "s  %6s  %-" + 12 * tasks.size() + "s  %9s%n",
                "tensor", "dtype", "elements", "SLERP c_i", "linear", "transplanted", "conflicts");
        for (TensorFusion t : r.tensors()) {
            String dtype = t.baseDtype() == t.outputDtype() ? t.baseDtype().name() : t.baseDtype() + ">" + t.outputDtype();
            String coef = t.merged()
                    ? t.coefficients().stream().map(c -> String.format(Locale.ROOT, "%9.5f", c)).collect(Collectors.joining(" "))
                    : "copied from the base";
            String moved = t.transplanted().stream().map(c -> String.format(Locale.ROOT, "%,11d", c)).collect(Collectors.joining(" "));
            out.printf(Locale.ROOT, "%-" + n + "s  %-11s  %,13d  %-" + 10 * tasks.size() + "s  %6d  %-" + 12 * tasks.size() + "s  %,9d%n",
                    t.name(), dtype, t.elements(), coef, t.linearSteps(), moved, t.conflicts());
        }
        out.flush();
    }
}
