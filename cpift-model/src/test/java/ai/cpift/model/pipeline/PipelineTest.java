package ai.cpift.model.pipeline;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;
import ai.cpift.model.train.TrainFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline end to end on a tiny model and three toy tasks, checked independently of the
 * code under test: frozen elements compared float by float, cores transplanted into the fused
 * model, matched steps, a resumed run that redoes nothing, and errors in the pipeline file.
 */
class PipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path out;
    static JsonNode report;

    @BeforeAll
    static void runOnce() throws Exception {
        TrainFixtures.tinyModel(dir.resolve("base"), 3);
        letters(dir.resolve("next.jsonl"), 1);
        letters(dir.resolve("prev.jsonl"), 25);
        letters(dir.resolve("skip.jsonl"), 2);
        Files.writeString(dir.resolve("p.yaml"), """
                name: toy
                seed: 5
                threads: 1
                batch_size: 8
                max_length: 64
                data:
                  tasks:
                    - {name: next, train: next.jsonl, eval: next.jsonl}
                    - {name: prev, train: prev.jsonl, eval: prev.jsonl}
                    - {name: skip, train: skip.jsonl, eval: skip.jsonl}
                base: {model: base}
                cpift:
                  - name: fair
                    probe: {steps: 60, lr: 3e-3}
                    top_percent: 5
                    tau: 0.99
                    consolidation: {steps: 10, lr: 1e-3, data: mixed, per_task: 26}
                baselines:
                  multistage: {groups: 2}
                  sequential: {pair: [next, prev], steps: 15, lr: 3e-3}
                eval: {per_task: 26, max_new_tokens: 3}
                """);
        out = dir.resolve("run");
        report = Pipeline.run(PipelineConfig.load(dir.resolve("p.yaml")), out, true, PipelineListener.NONE);
    }

    /** Letter c → the letter {@code shift} places on (a..z, wrapping). */
    private static void letters(Path file, int shift) throws IOException {
        List<String> lines = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            lines.add(JSON.createObjectNode().put("prompt", String.valueOf(c))
                    .put("response", String.valueOf((char) ('a' + (c - 'a' + shift) % 26))).toString());
        }
        Files.write(file, lines);
    }

    @Test
    void writesTheReportWithEveryModelScoredOnEveryTask() throws Exception {
        assertTrue(Files.isRegularFile(out.resolve("report.json")));
        assertTrue(Files.readString(out.resolve("report.md")).contains("| model | next | prev | skip | mean | distance |"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("<svg"));
        assertTrue(Files.isRegularFile(out.resolve("report-jaccard-fair.svg")));
        List<String> ids = new ArrayList<>();
        for (JsonNode m : report.path("models")) {
            ids.add(m.path("id").asText());
            for (String t : List.of("next", "prev", "skip")) {
                double em = m.path("exact_match").path(t).asDouble(-1);
                assertTrue(em >= 0 && em <= 1, m.path("id") + " " + t + " " + em);
            }
        }
        assertEquals(List.of("base", "fair/probe/next", "fair/probe/prev", "fair/probe/skip", "fair/fused", "fair/stage-1", "fair/stage-2",
                "fair/stage-3", "baselines/multitask", "baselines/multistage", "baselines/seq-A", "baselines/seq-AB",
                "baselines/seq-AB-frozen"), ids);
        // Each probe has learnt: far below the base's loss on its task; the opposite pair next/prev fit their own task best.
        for (String t : List.of("next", "prev", "skip")) {
            assertTrue(loss("fair/probe/" + t, t) < loss("base", t) - 1, t);
        }
        assertTrue(loss("fair/probe/next", "next") < loss("fair/probe/prev", "next"));
        assertTrue(loss("fair/probe/prev", "prev") < loss("fair/probe/next", "prev"));
    }

    @Test
    void consolidationStagesKeepEveryEarlierCoreBitIdentical() throws Exception {
        JsonNode method = report.path("methods").get(0);
        List<List<String>> groups = JSON.convertValue(method.path("groups"), JSON.getTypeFactory().constructCollectionType(List.class, List.class));
        assertEquals(3, groups.size(), "tau 0.99 leaves every task alone");
        Path prev = out.resolve("fair/fused");
        List<CoreMask> frozen = new ArrayList<>();
        for (int k = 0; k < groups.size(); k++) {
            Path stage = out.resolve("fair/consolidation/stage-" + (k + 1));
            long[] sameAndMoved = compare(prev, stage, frozen);
            assertEquals(frozen.stream().mapToLong(CoreMask::cardinality).sum() > 0, sameAndMoved[0] > 0);
            assertEquals(0, sameAndMoved[1], "stage " + (k + 1) + " moved a frozen element");
            assertTrue(sameAndMoved[2] > 0, "stage " + (k + 1) + " trained nothing");
            for (String task : groups.get(k)) {
                frozen.add(MaskFile.read(out.resolve("fair/masks/" + task + ".mask")));
            }
            assertEquals(sameAndMoved[0], method.path("stages").get(k).path("frozen_elements_checked").asLong());
            prev = stage;
        }
    }

    @Test
    void theFusedModelHoldsEachTaskCoreFromItsOwnProbe() throws Exception {
        Map<String, CoreMask> masks = new HashMap<>();
        for (String t : List.of("next", "prev", "skip")) {
            masks.put(t, MaskFile.read(out.resolve("fair/masks/" + t + ".mask")));
        }
        long checked = 0;
        try (Checkpoint fused = Checkpoint.open(out.resolve("fair/fused"))) {
            for (String t : masks.keySet()) {
                try (Checkpoint probe = Checkpoint.open(out.resolve("fair/probes/" + t))) {
                    for (TensorInfo info : fused.tensors()) {
                        RoaringBitmap only = masks.get(t).bitmap(info.name()).toRoaringBitmap();
                        for (String other : masks.keySet()) {
                            if (!other.equals(t)) {
                                only.andNot(masks.get(other).bitmap(info.name()).toRoaringBitmap());
                            }
                        }
                        float[] a = floats(fused, info);
                        float[] b = floats(probe, probe.info(info.name()));
                        for (int i : only) {
                            assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), t + " " + info.name() + "[" + i + "]");
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 100, "checked " + checked);
    }

    @Test
    void sequentialFreezingKeepsTheCoreOfAWhileThePlainRunMovesIt() throws Exception {
        CoreMask a = MaskFile.read(out.resolve("baselines/sequential/A.mask"));
        long[] frozen = compare(out.resolve("baselines/sequential/A"), out.resolve("baselines/sequential/AB-frozen"), List.of(a));
        long[] plain = compare(out.resolve("baselines/sequential/A"), out.resolve("baselines/sequential/AB"), List.of(a));
        assertEquals(a.cardinality(), frozen[0]);
        assertEquals(0, frozen[1]);
        assertTrue(plain[1] > a.cardinality() / 2, "plain A->B moved " + plain[1] + " of " + a.cardinality());
        JsonNode seq = report.path("baselines").path("sequential");
        assertEquals(em("baselines/seq-AB", "next") - em("baselines/seq-A", "next"), seq.path("plain").path("delta_a").asDouble(), 1e-12);
    }

    @Test
    void baselinesTrainAsManyStepsAsCpiFt() {
        long cpift = report.path("methods").get(0).path("total_steps").asLong();
        assertEquals(3 * 60 + 3 * 10, cpift);
        assertEquals(cpift, report.path("baselines").path("multitask").path("steps").asLong());
        assertEquals(cpift, report.path("baselines").path("multistage").path("steps").asLong());
    }

    @Test
    void aSecondRunOnTheSameFolderRedoesNothing() throws Exception {
        Map<Path, FileTime> before = trainingFiles();
        JsonNode again = Pipeline.run(PipelineConfig.load(dir.resolve("p.yaml")), out, true, PipelineListener.NONE);
        assertEquals(before, trainingFiles());
        assertEquals(report.path("models"), again.path("models"));
    }

    @Test
    void anotherPipelineFileIsRefusedOnTheSameFolder() throws Exception {
        PipelineConfig other = PipelineConfig.load(dir.resolve("p.yaml")).withSeed(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipeline.run(other, out, true, PipelineListener.NONE));
        assertTrue(e.getMessage().contains("holds a run with other settings"), e.getMessage());
    }

    @Test
    void aMisspeltKeyIsNamedWithItsPlace() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(dir.resolve("p.yaml")).replace("probe: {steps: 60", "probe: {stpes: 60"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.load(bad));
        assertTrue(e.getMessage().contains("'cpift[0].probe.stpes' is not a known key"), e.getMessage());
        Files.writeString(bad, Files.readString(dir.resolve("p.yaml")).replace("tau: 0.99", "tau: 1.5"));
        e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.load(bad));
        assertTrue(e.getMessage().contains("'cpift[0].tau' must lie in [0.0, 1.0]"), e.getMessage());
    }

    private static double em(String id, String task) {
        for (JsonNode m : report.path("models")) {
            if (m.path("id").asText().equals(id)) {
                return m.path("exact_match").path(task).asDouble();
            }
        }
        throw new AssertionError("no model " + id);
    }

    private static double loss(String id, String task) {
        for (JsonNode m : report.path("models")) {
            if (m.path("id").asText().equals(id)) {
                return m.path("mean_loss").path(task).asDouble();
            }
        }
        throw new AssertionError("no model " + id);
    }

    /** {elements of the masks' union, of them changed, elements outside the union changed}. */
    private static long[] compare(Path before, Path after, List<CoreMask> masks) throws IOException {
        long[] r = new long[3];
        try (Checkpoint x = Checkpoint.open(before); Checkpoint y = Checkpoint.open(after)) {
            for (TensorInfo t : x.tensors()) {
                RoaringBitmap union = new RoaringBitmap();
                masks.forEach(m -> union.or(m.bitmap(t.name()).toRoaringBitmap()));
                float[] a = floats(x, t);
                float[] b = floats(y, y.info(t.name()));
                for (int i = 0; i < a.length; i++) {
                    boolean same = Float.floatToRawIntBits(a[i]) == Float.floatToRawIntBits(b[i]);
                    if (union.contains(i)) {
                        r[0]++;
                        r[1] += same ? 0 : 1;
                    } else {
                        r[2] += same ? 0 : 1;
                    }
                }
            }
        }
        return r;
    }

    private static float[] floats(Checkpoint c, TensorInfo t) {
        float[] f = new float[(int) t.numel()];
        FloatCodec.decode(t.dtype(), c.data(t), 0, f, 0, f.length);
        return f;
    }

    private static Map<Path, FileTime> trainingFiles() throws IOException {
        Map<Path, FileTime> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("training.json") || p.toString().endsWith(".mask")).toList()) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        assertFalse(m.isEmpty());
        return m;
    }
}
