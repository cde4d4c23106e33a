package ai.cpift.cli.bench;

import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.Jaccard;
import ai.cpift.core.group.JaccardMatrix;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code cpift bench cluster}: the grouping stage's two targets on generated masks at 1 % of a 1 B
 * parameter model. (a) the Jaccard matrix of 50 masks, all 1225 pairs, within 30 s; (b) one new
 * mask against the 50 already loaded (its row and the regrouping) within 1 s.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Time the Jaccard matrix of N generated masks (all pairs, target <= 30 s) and one new mask against "
                + "the N loaded ones (median of 5 runs, target <= 1 s). Masks: p %% of TinyLlama-1.1B, five families sharing part of their cores.",
                "Logs go to standard error; with --json the last line of standard output is the report.",
                "Memory: the 50 packed masks take 1.1 GB of heap; it runs in -Xmx1400m (CPIFT_JAVA_OPTS), and the "
                        + "masks need 1.2 GB of disk where --dir (or the temporary folder) is."})
public final class ClusterBench implements Callable<Integer> {
    static final double ALL_PAIRS_LIMIT_S = 30;
    static final double INCREMENTAL_LIMIT_S = 1;
    static final int INCREMENTAL_RUNS = 5;
    /** Family sizes as fractions of N and the share of each task's core drawn from its family pool. */
    private static final double[] FAMILY_FRACTION = {0.28, 0.24, 0.20, 0.16, 0.12};
    private static final double[] FAMILY_SHARE = {0.6, 0.5, 0.45, 0.5, 0.3};

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the report as one JSON object on the last line of standard output.")
    private boolean json;

    @Option(names = "--masks", paramLabel = "N", defaultValue = "50", description = "Existing masks (default: ${DEFAULT-VALUE}).")
    private int masks;

    @Option(names = "--percent", paramLabel = "P", defaultValue = "1", description = "Core size p in %% (default: ${DEFAULT-VALUE}).")
    private double percent;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: the processors, ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the generated masks (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--dir", paramLabel = "DIR", description = "Write the masks here and keep them (default: a temporary folder, deleted).")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        if (masks < FAMILY_FRACTION.length || threads < 1 || !(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("--masks needs at least " + FAMILY_FRACTION.length + " (one per family), --threads at least 1"
                    + " and --percent a value in (0, 100]");
        }
        PrintStream log = System.err;
        Path where = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("cpift-bench-cluster-");
        try {
            return run(where, log);
        } finally {
            if (dir == null) {
                try (Stream<Path> files = Files.walk(where)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private int run(Path where, PrintStream log) throws Exception {
        SyntheticMasks gen = new SyntheticMasks(LlamaLayout.TINYLLAMA_1_1B, percent);
        List<SyntheticMasks.Family> families = families(masks);
        log.println("bench cluster: " + gen.describe() + "; families " + families + " + 1 new task in family 1; writing to " + where);
        long t0 = System.nanoTime();
        MaskSet set = MaskSet.generate(gen, families, seed, where, threads, log);
        double generateS = seconds(t0);
        long fileBytes = 0;
        for (Path f : set.files()) {
            fileBytes += Files.size(f);
        }
        log.printf(Locale.ROOT, "bench cluster: generated %d mask files (%.0f MB) in %.1f s%n", set.files().size(), fileBytes / 1e6, generateS);

        t0 = System.nanoTime();
        List<CoreMask> loaded = MaskSet.readAll(set.files().subList(0, masks), threads);
        double readS = seconds(t0);

        String warmup = warmUp(loaded);
        log.println("bench cluster: " + warmup);

        // (a) all pairs: pack the loaded masks and fill the matrix.
        t0 = System.nanoTime();
        List<PackedMask> packed = PackedMask.ofAll(loaded, threads);
        double packS = seconds(t0);
        long t1 = System.nanoTime();
        JaccardMatrix matrix = JaccardMatrix.compute(packed, threads);
        double pairsS = seconds(t1);
        double allPairsS = seconds(t0);
        int pairs = masks * (masks - 1) / 2;
        log.printf(Locale.ROOT, "bench cluster: %d pairs in %.2f s (pack %.2f s, pairs %.2f s)%n", pairs, allPairsS, packS, pairsS);

        // (b) a new task arrives: read and pack its mask, compute its row, regroup. A step this short is
        // at the mercy of one GC pause or a neighbour's burst, so it runs INCREMENTAL_RUNS times; the
        // figure is the median, the slowest is reported beside it.
        GroupingParams params = GroupingParams.defaults();
        double[] runs = new double[INCREMENTAL_RUNS];
        double incReadS = 0;
        double incPackS = 0;
        double incRowS = 0;
        CoreMask extraMask = null;
        JaccardMatrix grown = null;
        GroupingResult regrouped = null;
        for (int run = 0; run < INCREMENTAL_RUNS; run++) {
            t0 = System.nanoTime();
            extraMask = MaskFile.read(set.files().get(masks));
            long t2 = System.nanoTime();
            PackedMask added = PackedMask.of(extraMask);
            long t3 = System.nanoTime();
            grown = matrix.extend(packed, added, threads);
            regrouped = Grouping.group(grown, params);
            runs[run] = seconds(t0);
            if (run == INCREMENTAL_RUNS / 2) {
                incReadS = (t2 - t0) / 1e9;
                incPackS = (t3 - t2) / 1e9;
                incRowS = seconds(t3);
            }
        }
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        double incrementalS = sorted[INCREMENTAL_RUNS / 2];
        log.printf(Locale.ROOT, "bench cluster: new mask against %d: median %.3f s of %d runs %s (one run: read %.3f s, pack %.3f s, "
                + "row and regrouping %.3f s)%n", masks, incrementalS, INCREMENTAL_RUNS, Arrays.toString(roundAll(runs)),
                incReadS, incPackS, incRowS);

        // Not timed: the roaring reference on a few pairs, and the groups the families imply.
        ClusterBenchCheck check = ClusterBenchCheck.run(loaded, extraMask, grown, regrouped, set, families, params.tau());
        log.println("bench cluster: " + check.summary());

        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("incremental_s", incrementalS);
        extra.put("incremental_limit_s", INCREMENTAL_LIMIT_S);
        extra.put("incremental_pass", incrementalS <= INCREMENTAL_LIMIT_S);
        extra.put("incremental_max_s", sorted[INCREMENTAL_RUNS - 1]);
        extra.put("incremental_runs_s", Arrays.stream(roundAll(runs)).boxed().toList());
        extra.put("incremental_read_s", incReadS);
        extra.put("incremental_pack_s", incPackS);
        extra.put("incremental_row_s", incRowS);
        extra.put("correct", check.correct());
        extra.put("layout", "TinyLlama-1.1B (" + LlamaLayout.TINYLLAMA_1_1B.describe() + ")");
        extra.put("parameters", gen.elements());
        extra.put("core_elements_per_mask", gen.coreSize());
        extra.put("masks", masks);
        extra.put("pairs", pairs);
        extra.put("threads", threads);
        extra.put("pack_s", packS);
        extra.put("pairs_s", pairsS);
        extra.put("read_s", readS);
        extra.put("generate_s", generateS);
        extra.put("mask_files_mb", fileBytes / 1e6);
        extra.put("roaring_and_cardinality_s_per_pair", check.roaringSecondsPerPair());
        extra.put("kernel_thread_s_per_pair", pairsS * threads / pairs);
        extra.put("groups", regrouped.groups().stream().map(List::size).toList());
        extra.put("heap_max_mb", Runtime.getRuntime().maxMemory() / 1e6);
        extra.put("warmup", warmup);
        boolean pass = allPairsS <= ALL_PAIRS_LIMIT_S && incrementalS <= INCREMENTAL_LIMIT_S && check.correct();
        BenchReport r = new BenchReport("Jaccard matrix of " + masks + " masks (" + pairs + " pairs)", allPairsS, "s",
                ALL_PAIRS_LIMIT_S, allPairsS / ALL_PAIRS_LIMIT_S,
                "value <= limit and incremental_s <= incremental_limit_s and correct", pass, extra);
        r.print(System.out, false);
        if (json) {
            r.print(System.out, true);
        }
        System.out.flush();
        return r.exitCode();
    }

    /** Runs every timed step once on a few masks so that the JIT has compiled them before the clock starts. */
    private String warmUp(List<CoreMask> loaded) {
        List<PackedMask> warm = PackedMask.ofAll(loaded.subList(0, 4), threads);
        JaccardMatrix.compute(warm.subList(0, 3), threads).extend(warm.subList(0, 3), warm.get(3), threads);
        Jaccard.intersection(loaded.get(0), loaded.get(1));
        return "JIT warmed up before timing: packing 4 masks, their 3x3 matrix extended by the 4th, one roaring pair";
    }

    /** Family sizes summing to n, in the proportions of {@link #FAMILY_FRACTION}. */
    static List<SyntheticMasks.Family> families(int n) {
        List<SyntheticMasks.Family> f = new ArrayList<>();
        int left = n;
        for (int i = 0; i < FAMILY_FRACTION.length; i++) {
            int later = FAMILY_FRACTION.length - 1 - i; // families still to come, one task at least each
            int size = later == 0 ? left : Math.max(1, Math.min(left - later, (int) Math.round(n * FAMILY_FRACTION[i])));
            f.add(new SyntheticMasks.Family(size, FAMILY_SHARE[i]));
            left -= size;
        }
        return f;
    }

    private static double[] roundAll(double[] v) {
        return Arrays.stream(v).map(x -> Math.round(x * 1e3) / 1e3).toArray();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
