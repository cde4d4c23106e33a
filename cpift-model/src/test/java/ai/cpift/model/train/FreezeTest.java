package ai.cpift.model.train;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.model.engine.NoGrad;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.io.ModelSaver;
import ai.cpift.model.llama.LlamaConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frozen elements come out bit-identical, with weight decay on, while everything else trains. */
class FreezeTest {
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void frozenElementsKeepTheirBitsUnderWeightDecayAndTheRestMoves() throws Exception {
        Path base = baseWithNegativeZeros();
        Map<String, long[]> shapes = shapes(base);
        Map<String, RoaringBitmap> a = new TreeMap<>();
        Map<String, RoaringBitmap> b = new TreeMap<>();
        Random r = new Random(5);
        shapes.forEach((name, shape) -> {
            long n = TensorInfo.numel(shape);
            RoaringBitmap x = new RoaringBitmap();
            RoaringBitmap y = new RoaringBitmap();
            for (int i = 0; i < n; i++) {
                if (r.nextDouble() < 0.10) {
                    x.add(i);
                }
                if (name.contains("layers.1.") && r.nextDouble() < 0.05) {
                    y.add(i);
                }
            }
            x.add(0); // element 0 of every tensor is −0.0 in the base
            a.put(name, x);
            b.put(name, y);
        });
        Path maskA = mask(dir.resolve("a.mask"), "a", shapes, a);
        Path maskB = mask(dir.resolve("b.mask"), "b", shapes, b);
        TrainParams p = TrainParams.DEFAULTS.withSteps(20).withBatch(8, 1).withLr(1e-2, 2, 0.5)
                .withAdamW(0.9, 0.999, 1e-8, 0.1).withIntervals(10, 0);
        Path out = dir.resolve("out");
        StringBuilder log = new StringBuilder();
        TrainSummary s = SftTrainer.run(TrainJob.of(base, List.of(TrainFixtures.nextLetter(dir.resolve("d.jsonl"))),
                List.of(maskA, maskB), out, p), new TrainListener() {
            @Override
            public void message(String line) {
                log.append(line);
            }
        });

        long frozen = 0;
        long moved = 0;
        long trainable = 0;
        try (Checkpoint before = Checkpoint.open(base); Checkpoint after = Checkpoint.open(out)) {
            for (String name : shapes.keySet()) {
                MemorySegment x = before.data(before.info(name));
                MemorySegment y = after.data(after.info(name));
                RoaringBitmap union = RoaringBitmap.or(a.get(name), b.get(name));
                long n = TensorInfo.numel(shapes.get(name));
                for (int i = 0; i < n; i++) {
                    int bx = x.getAtIndex(LE_INT, i);
                    int by = y.getAtIndex(LE_INT, i);
                    if (union.contains(i)) {
                        frozen++;
                        assertEquals(bx, by, () -> name + " frozen element changed");
                    } else {
                        trainable++;
                        moved += bx != by ? 1 : 0;
                    }
                }
                assertEquals(Float.floatToRawIntBits(-0f), y.getAtIndex(LE_INT, 0), name + ": −0.0 must stay −0.0");
            }
        }
        assertEquals(frozen, s.json().path("frozen_elements").asLong());
        assertTrue(log.toString().contains(String.format("freezing %,d of", frozen)), log.toString());
        assertTrue(moved > 0.99 * trainable, moved + " of " + trainable + " trainable elements moved");
        assertEquals(2, s.json().path("freeze").size());
        assertEquals("a", s.json().path("freeze").get(0).path("task").asText());
    }

    @Test
    void aMaskOfAnotherArchitectureIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path base = TrainFixtures.tinyModel(dir.resolve("base"), 2);
        Path data = TrainFixtures.nextLetter(dir.resolve("d.jsonl"));
        Map<String, long[]> shapes = shapes(base);
        Map<String, long[]> extra = new TreeMap<>(shapes);
        extra.put("model.layers.7.mlp.up_proj.weight", new long[]{128, 64});
        Path unknown = mask(dir.resolve("x.mask"), "x", extra, Map.of());
        Map<String, long[]> reshaped = new TreeMap<>(shapes);
        reshaped.put("model.norm.weight", new long[]{32});
        Path misshapen = mask(dir.resolve("y.mask"), "y", reshaped, Map.of());
        Path out = dir.resolve("out");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SftTrainer.run(
                TrainJob.of(base, List.of(data), List.of(unknown), out, TrainParams.DEFAULTS.withSteps(1)), TrainListener.NONE));
        assertTrue(e.getMessage().contains("mask " + unknown + ": tensor 'model.layers.7.mlp.up_proj.weight' is not a parameter"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SftTrainer.run(
                TrainJob.of(base, List.of(data), List.of(misshapen), out, TrainParams.DEFAULTS.withSteps(1)), TrainListener.NONE));
        assertTrue(e.getMessage().contains("mask " + misshapen + ": tensor 'model.norm.weight' has shape [32] but the model's "
                + "parameter has [64]"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    /** The tiny model with element 0 of every tensor set to −0.0, which an arithmetic restore would turn into +0.0. */
    private Path baseWithNegativeZeros() throws Exception {
        Path init = TrainFixtures.tinyModel(dir.resolve("init"), 4);
        Path base = dir.resolve("base");
        try (NDManager m = NDManager.newBaseManager()) {
            LoadedModel loaded = ModelLoader.load(init, m);
            try (NoGrad ignored = NoGrad.enter()) {
                loaded.model().parameters().values().forEach(p -> {
                    NDArray w = p.getArray();
                    float[] v = w.toFloatArray();
                    v[0] = -0f;
                    w.set(FloatBuffer.wrap(v));
                });
            }
            ModelSaver.save(loaded, base);
        }
        return base;
    }

    static Map<String, long[]> shapes(Path model) throws Exception {
        try (Checkpoint c = Checkpoint.open(model)) {
            return new TreeMap<>(LlamaConfig.from(c.config().orElseThrow()).parameterShapes());
        }
    }

    static Path mask(Path file, String task, Map<String, long[]> shapes, Map<String, RoaringBitmap> cores) throws Exception {
        List<MaskTensor> tensors = new ArrayList<>();
        long selected = 0;
        long total = 0;
        for (var e : new TreeMap<>(shapes).entrySet()) {
            long card = cores.containsKey(e.getKey()) ? cores.get(e.getKey()).getLongCardinality() : 0;
            tensors.add(new MaskTensor(e.getKey(), e.getValue(), card));
            selected += card;
            total += TensorInfo.numel(e.getValue());
        }
        MaskFile.write(file, new MaskHeader(task, 10, MaskMode.GLOBAL, Float.NaN, selected, total, "0".repeat(64), "1".repeat(64),
                tensors), cores);
        return file;
    }
}
