package ai.cpift.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cpift bench fuse}: fusion throughput against the raw IO limit of the same inputs.
 *
 * <p>Generates a bf16 base and three task models of about 0.5 B parameters with their 1 % masks
 * (about 5 GB in a temporary folder, deleted at the end), then runs the measured part in a child
 * JVM limited to {@value #HEAP} of heap, the target's memory bound, so the limit holds by
 * construction. There the JIT is warmed on a small model, then raw IO (read the four inputs, write
 * an output of the fusion's size through the same writer: inputs mapped and the output copied into
 * the writer's mapping; inputs mapped and the output written with positional writes as fusion
 * writes; inputs read with positional reads, output as before; the fastest counting) and fusion alternate
 * {@code --repeats} times. Figure: bytes of input plus output per second, the best round of each;
 * target: fusion at least {@value #TARGET} of raw IO.
 */
@Command(name = "fuse", mixinStandardHelpOptions = true,
        description = "Fusion throughput (bytes of input+output per second) against raw IO on the same 0.5 B bf16 inputs.")
public final class FuseBench implements Callable<Integer> {
    static final String HEAP_SIZE = "512m";
    static final String HEAP = "-Xmx" + HEAP_SIZE;
    static final double TARGET = 0.50;

    @Option(names = "--json", description = "Print the result as one JSON object, the last line of standard output.")
    boolean json;

    @Option(names = "--threads", description = "Threads for fusion and raw IO alike (default: the available processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--repeats", defaultValue = "5", description = "Measured rounds of raw IO and fusion (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--layers", defaultValue = "24", description = "Decoder layers of the synthetic model (default: ${DEFAULT-VALUE}; fewer for a quick trial).")
    int layers;

    @Option(names = "--vocab", defaultValue = "151936", description = "Vocabulary of the synthetic model (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--dir", description = "Where to put the temporary data (default: the system temporary folder).")
    Path parent = Path.of(System.getProperty("java.io.tmpdir"));

    @Option(names = "--keep", description = "Keep the generated data (and print where) instead of deleting it.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory(parent, "cpift-bench-fuse-");
        try {
            FuseBenchData big = FuseBenchData.halfBillion(layers, vocab);
            FuseBenchData small = FuseBenchData.halfBillion(2, 8192);
            long t0 = System.nanoTime();
            big.generate(Files.createDirectory(dir.resolve("data")), 1, threads);
            small.generate(Files.createDirectory(dir.resolve("warm")), 2, threads);
            double genS = (System.nanoTime() - t0) / 1e9;
            FuseBenchChild.log("generated a base and %d tasks of %,d parameters each (bf16) with their masks in %.1f s under %s",
                    FuseBenchData.TASKS, big.parameters(), genS, dir);
            JsonNode r = child(dir);
            double[] raw = seconds(r.get("raw_seconds"));
            double[] fuse = seconds(r.get("fuse_seconds"));
            double bytes = r.get("input_bytes").asDouble() + r.get("output_bytes").asDouble();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("statistic", "best of " + repeats + " rounds for each, a round being raw IO (inputs mapped and output"
                    + " copied into the writer's mapping; inputs mapped and output written with positional writes; inputs read"
                    + " with positional reads and output written so; the fastest counts) then fusion in one JVM");
            extra.put("note", "fusion reads each task tensor twice (Gram pass, then output pass) and the base only where"
                    + " cores conflict; raw IO reads every input once; both count base + tasks + output bytes");
            extra.put("parameters_per_model", big.parameters());
            extra.put("input_bytes", r.get("input_bytes").asLong());
            extra.put("output_bytes", r.get("output_bytes").asLong());
            extra.put("raw_io_seconds", Arrays.stream(raw).boxed().toList());
            extra.put("raw_io_mapped_seconds", Arrays.stream(seconds(r.get("raw_mapped_seconds"))).boxed().toList());
            extra.put("raw_io_writes_seconds", Arrays.stream(seconds(r.get("raw_writes_seconds"))).boxed().toList());
            extra.put("raw_io_pread_seconds", Arrays.stream(seconds(r.get("raw_pread_seconds"))).boxed().toList());
            extra.put("fusion_seconds", Arrays.stream(fuse).boxed().toList());
            extra.put("raw_io_cpu_seconds", Arrays.stream(seconds(r.get("raw_cpu_seconds"))).boxed().toList());
            extra.put("fusion_cpu_seconds", Arrays.stream(seconds(r.get("fuse_cpu_seconds"))).boxed().toList());
            extra.put("load_average_before_rounds", Arrays.stream(seconds(r.get("load_average"))).boxed().toList());
            extra.put("cpus", Runtime.getRuntime().availableProcessors());
            extra.put("median_ratio", median(raw) / median(fuse));
            extra.put("threads", threads);
            extra.put("child_heap_max_mb", r.get("heap_max_mb").asLong());
            extra.put("child_heap_peak_mb", r.get("heap_peak_mb").asLong());
            extra.put("core_elements_transplanted", r.get("transplanted").asLong());
            extra.put("conflicts", r.get("conflicts").asLong());
            extra.put("generation_seconds", genS);
            BenchReport report = BenchReport.atLeast("fusion throughput, bytes of input+output per second", bytes / min(fuse),
                    "B/s", bytes / min(raw), TARGET, extra);
            report.print(System.out, json);
            return report.exitCode();
        } finally {
            if (keep) {
                FuseBenchChild.log("kept the data under %s", dir);
            } else {
                ai.cpift.core.checkpoint.CheckpointWriter.deleteTree(dir);
            }
        }
    }

    /** Runs the measured part under the target's heap limit; its standard error passes through, its last output line is the result. */
    private JsonNode child(Path dir) throws IOException, InterruptedException {
        List<String> args = List.of("bench", "fuse-measure", "--data", dir.resolve("data").toString(), "--warm",
                dir.resolve("warm").toString(), "--threads", Integer.toString(threads), "--repeats", Integer.toString(repeats));
        FuseBenchChild.log("measuring in a child JVM: %s", String.join(" ", ChildJvm.command(HEAP_SIZE, List.of(), args)));
        ChildJvm.Result r = ChildJvm.capture(HEAP_SIZE, args);
        String out = r.stdout().strip();
        if (r.exitCode() != 0 || out.isEmpty()) {
            throw new IOException("the measuring JVM exited with code " + r.exitCode() + (r.exitCode() == 1 ? " (see its error above)" : "")
                    + "; if it ran out of memory under " + HEAP + ", fusion is not bounded in memory: that is a bug");
        }
        String[] lines = out.split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static double[] seconds(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    private static double min(double[] d) {
        return Arrays.stream(d).min().orElseThrow();
    }

    private static double median(double[] d) {
        double[] s = d.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
