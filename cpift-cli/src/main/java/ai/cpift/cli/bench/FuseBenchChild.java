package ai.cpift.cli.bench;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.fusion.CoreFusion;
import ai.cpift.core.fusion.FusionOptions;
import ai.cpift.core.fusion.FusionProgress;
import ai.cpift.core.fusion.FusionReport;
import ai.cpift.core.fusion.FusionTask;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The measured part of {@code cpift bench fuse}, run by it in a child JVM whose heap limit is
 * the target's. Warms the JIT on the small data set, then alternates raw IO (both ways of writing
 * the output, the faster counting) and fusion on the large one; prints one JSON object with every
 * timing on standard output.
 */
@Command(name = "fuse-measure", hidden = true, description = "Internal: the measured part of bench fuse.")
public final class FuseBenchChild implements Callable<Integer> {
    @Option(names = "--data", required = true)
    Path data;

    @Option(names = "--warm", required = true)
    Path warm;

    @Option(names = "--threads", required = true)
    int threads;

    @Option(names = "--repeats", required = true)
    int repeats;

    private long lastOutputBytes;
    private double lastFuseSeconds;
    private long lastFuseCpuEnd;

    /** CPU time of this process (all threads, user and system), to read the timings against on a shared machine. */
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public Integer call() throws Exception {
        log("child JVM: max heap %d MB, %d threads", Runtime.getRuntime().maxMemory() >> 20, threads);
        for (int i = 0; i < 2; i++) {
            raw(warm, RawIo.Mode.MAPPED);
            raw(warm, RawIo.Mode.WRITES);
            raw(warm, RawIo.Mode.PREAD);
            fuse(warm);
        }
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        ObjectNode o = new ObjectMapper().createObjectNode();
        ArrayNode raws = o.putArray("raw_seconds");
        ArrayNode rawMapped = o.putArray("raw_mapped_seconds");
        ArrayNode rawWrites = o.putArray("raw_writes_seconds");
        ArrayNode rawPread = o.putArray("raw_pread_seconds");
        ArrayNode fuses = o.putArray("fuse_seconds");
        ArrayNode rawCpu = o.putArray("raw_cpu_seconds");
        ArrayNode fuseCpu = o.putArray("fuse_cpu_seconds");
        ArrayNode loads = o.putArray("load_average");
        FusionReport last = null;
        long outputBytes = 0;
        for (int r = 1; r <= repeats; r++) {
            loads.add(OS.getSystemLoadAverage());
            // The limit is the fastest of the three ways to read the inputs and write the output; its
            // CPU time is that run's.
            long m0 = OS.getProcessCpuTime();
            double mappedS = raw(data, RawIo.Mode.MAPPED);
            long c0 = OS.getProcessCpuTime();
            double writesS = raw(data, RawIo.Mode.WRITES);
            long p0 = OS.getProcessCpuTime();
            double preadS = raw(data, RawIo.Mode.PREAD);
            long c1 = OS.getProcessCpuTime();
            double rawS = Math.min(mappedS, Math.min(writesS, preadS));
            double rawCpuS = (rawS == mappedS ? c0 - m0 : rawS == writesS ? p0 - c0 : c1 - p0) / 1e9;
            rawMapped.add(mappedS);
            rawWrites.add(writesS);
            rawPread.add(preadS);
            raws.add(rawS);
            last = fuseOnce(data);
            double fuseS = lastFuseSeconds;
            long c2 = lastFuseCpuEnd;
            outputBytes = lastOutputBytes;
            fuses.add(fuseS);
            rawCpu.add(rawCpuS);
            fuseCpu.add((c2 - c1) / 1e9);
            log("round %d/%d: raw IO %.2f s (%.2f s CPU; mapped %.2f s, writes %.2f s, pread %.2f s), fusion %.2f s (%.2f s CPU); load average %.2f",
                    r, repeats, rawS, rawCpuS, mappedS, writesS, preadS, fuseS, (c2 - c1) / 1e9, OS.getSystemLoadAverage());
        }
        o.put("input_bytes", inputBytes(data));
        o.put("output_bytes", outputBytes);
        o.put("elements", last.elements());
        o.put("conflicts", last.conflicts());
        o.put("transplanted", last.transplanted(0) + last.transplanted(1) + last.transplanted(2));
        o.put("heap_max_mb", Runtime.getRuntime().maxMemory() >> 20);
        o.put("heap_peak_mb", heapPeak() >> 20);
        System.out.println(o);
        return 0;
    }

    private double raw(Path dir, RawIo.Mode mode) throws IOException, InterruptedException {
        Path out = dir.resolve("out-raw");
        long t0 = System.nanoTime();
        long sum = RawIo.run(dir.resolve("base"), tasks(dir).stream().map(FusionTask::checkpoint).toList(), out, threads, mode);
        double s = (System.nanoTime() - t0) / 1e9;
        CheckpointWriter.deleteTree(out);
        if (sum == 42) {
            log("(checksum %d)", sum);
        }
        return s;
    }

    private void fuse(Path dir) throws IOException {
        fuseOnce(dir);
    }

    /**
     * One fusion, timed like {@link #raw}: from opening the inputs to the committed output folder.
     * Reading the output's size back and deleting it come after the clock stops, as for raw IO.
     */
    private FusionReport fuseOnce(Path dir) throws IOException {
        Path out = dir.resolve("out-fused");
        long t0 = System.nanoTime();
        FusionReport r = CoreFusion.fuse(dir.resolve("base"), tasks(dir), out, FusionOptions.defaults().withThreads(threads),
                FusionProgress.NONE);
        lastFuseSeconds = (System.nanoTime() - t0) / 1e9;
        lastFuseCpuEnd = OS.getProcessCpuTime();
        try (Checkpoint c = Checkpoint.open(out)) {
            lastOutputBytes = c.weightBytes();
        }
        CheckpointWriter.deleteTree(out);
        return r;
    }

    static List<FusionTask> tasks(Path dir) {
        List<FusionTask> t = new ArrayList<>();
        for (int i = 0; i < FuseBenchData.TASKS; i++) {
            String name = FuseBenchData.taskName(i);
            t.add(FusionTask.of(name, dir.resolve(name), dir.resolve(name + ".mask")));
        }
        return t;
    }

    /** Bytes of the weight files of the base and the tasks. */
    static long inputBytes(Path dir) throws IOException {
        long sum = 0;
        for (String name : List.of("base", "task1", "task2", "task3")) {
            try (Checkpoint c = Checkpoint.open(dir.resolve(name))) {
                sum += c.weightBytes();
            }
        }
        return sum;
    }

    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }


    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench fuse: " + format + "%n", args);
    }
}
