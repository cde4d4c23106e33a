package ai.cpift.cli.cluster;

import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.group.StageOrders;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskFormatException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift cluster}: the grouping stage on local mask files. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Group tasks by the Jaccard similarity of their core regions (CPI-FT step 3): an edge joins two "
                + "tasks when S >= tau, the groups are the connected components, and the groups are put in stage order.",
                "Prints the matrix and the groups; with --json writes them for the next stages."},
        footer = {"", "The --json file holds exactly one object:",
                "  {\"tasks\":[...], \"jaccard\":[[...]], \"groups\":[[...]], \"order\":[...]}",
                "  tasks    task names as given at mask time, in MASK order",
                "  jaccard  S(Ci,Cj) = |Ci ∩ Cj| / |Ci ∪ Cj|, rows and columns in task order;",
                "           0 when both cores are empty, so an empty core has 0 on the diagonal",
                "  groups   the groups in stage order (stage 1 first), each sorted by name",
                "  order    the stage order as one flat list of task names: the groups in",
                "           stage order, each sorted by name (the order fusion and",
                "           consolidation take the tasks in)",
                "tau, order rule and seed are the options given (printed, not in the file)."})
public final class ClusterCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MATRIX_PRINT_LIMIT = 16;

    @Spec
    private CommandSpec spec;

    @Option(names = "--tau", paramLabel = "T", defaultValue = "" + GroupingParams.DEFAULT_TAU,
            description = "Jaccard threshold in [0, 1]: an edge when S >= T (default: ${DEFAULT-VALUE}, the paper's).")
    private double tau;

    @Option(names = "--order", paramLabel = "STRATEGY", defaultValue = GroupingParams.DEFAULT_ORDER,
            description = "Stage order: random (seeded shuffle, the paper's), largest-first (by total core size), "
                    + "given (by first task in MASK order) (default: ${DEFAULT-VALUE}).")
    private String order;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + GroupingParams.DEFAULT_SEED,
            description = "Seed of the random stage order (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the result as JSON to OUT (format below).")
    private Path json;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the matrix (default: the processors, ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Parameters(arity = "1..*", paramLabel = "MASK", description = "Mask files (from `cpift mask`), one per task.")
    private List<Path> masks;

    @Override
    public Integer call() throws IOException {
        GroupingParams params = new GroupingParams(tau, order, seed);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + ": needs at least 1");
        }
        List<CoreMask> loaded = new ArrayList<>();
        for (Path m : masks) {
            loaded.add(read(m));
        }
        GroupingResult r = Grouping.group(PackedMask.ofAll(loaded, threads), params, threads);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(json, toJson(r).toString() + System.lineSeparator());
        }
        printSummary(spec.commandLine().getOut(), r);
        return 0;
    }

    private static CoreMask read(Path m) throws IOException {
        if (Files.isDirectory(m)) {
            throw new IOException(m + ": is a directory, not a mask file; pass the mask files themselves (e.g. " + m.resolve("*.mask") + ")");
        }
        try {
            return MaskFile.read(m);
        } catch (NoSuchFileException | MaskFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(m + ": mask file cannot be read (" + e + "); check the path and its permissions", e);
        }
    }

    /** The --json object: exactly tasks, jaccard, groups, order. */
    static ObjectNode toJson(GroupingResult r) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode tasks = root.putArray("tasks");
        r.tasks().forEach(tasks::add);
        ArrayNode jaccard = root.putArray("jaccard");
        for (double[] row : r.jaccard()) {
            ArrayNode a = jaccard.addArray();
            for (double v : row) {
                a.add(v);
            }
        }
        ArrayNode groups = root.putArray("groups");
        for (List<String> g : r.groups()) {
            ArrayNode a = groups.addArray();
            g.forEach(a::add);
        }
        ArrayNode order = root.putArray("order");
        r.order().forEach(order::add);
        return root;
    }

    private void printSummary(PrintWriter out, GroupingResult r) {
        int n = r.tasks().size();
        out.printf(Locale.ROOT, "%d tasks, tau %s, order %s%s: %d group%s%n", n, r.tau(), r.strategy(),
                StageOrders.RANDOM.equals(r.strategy()) ? " (seed " + r.seed() + ")" : "", r.groups().size(),
                r.groups().size() == 1 ? "" : "s");
        double[][] s = r.jaccard();
        if (n <= MATRIX_PRINT_LIMIT) {
            out.println("Jaccard similarity (rows and columns in task order):");
            int w = r.tasks().stream().mapToInt(String::length).max().orElse(0);
            out.printf(Locale.ROOT, "  %" + (w + 4) + "s", "");
            for (int j = 0; j < n; j++) {
                out.printf(Locale.ROOT, " %6d", j);
            }
            out.println();
            for (int i = 0; i < n; i++) {
                out.printf(Locale.ROOT, "  %2d %-" + w + "s ", i, r.tasks().get(i));
                for (int j = 0; j < n; j++) {
                    out.printf(Locale.ROOT, " %6.3f", s[i][j]);
                }
                out.println();
            }
        } else {
            out.printf(Locale.ROOT, "Jaccard similarity: %d x %d (not printed above %d tasks; see --json)%n", n, n, MATRIX_PRINT_LIMIT);
        }
        out.println("Groups in stage order:");
        for (int k = 0; k < r.groups().size(); k++) {
            out.printf(Locale.ROOT, "  %d. %s%n", k + 1, String.join(", ", r.groups().get(k)));
        }
        if (json != null) {
            out.println("Wrote " + json);
        }
        out.flush();
    }
}
