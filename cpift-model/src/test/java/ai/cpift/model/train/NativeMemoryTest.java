package ai.cpift.model.train;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.SftDataset;
import ai.cpift.model.data.SftEncoder;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training holds no more native arrays after many steps than after a few: every array a step makes
 * (activations, gradients' handles, clipping, the restore) dies with the step's sub-manager. A
 * single leaked array per step (an unclosed {@code getGradient()} handle, say) fails this.
 */
class NativeMemoryTest {
    @TempDir
    Path dir;

    @Test
    void liveArraysStayFlatOverManySteps() throws Exception {
        Path base = TrainFixtures.tinyModel(dir.resolve("base"), 6);
        Map<String, long[]> shapes = FreezeTest.shapes(base);
        Map<String, RoaringBitmap> cores = new TreeMap<>();
        shapes.forEach((n, s) -> cores.put(n, RoaringBitmap.bitmapOf(0, 1, 2)));
        CoreMask mask = MaskFile.read(FreezeTest.mask(dir.resolve("m.mask"), "m", shapes, cores));
        TrainParams p = TrainParams.DEFAULTS.withSteps(200).withBatch(4, 2).withLr(1e-3, 0, 0.1).withAdamW(0.9, 0.999, 1e-8, 0.1);
        try (NDManager root = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(base)) {
            LoadedModel m = ModelLoader.load(base, root);
            SftDataset data = SftDataset.load("t", TrainFixtures.nextLetter(dir.resolve("d.jsonl")), new SftEncoder(tok, PromptTemplate.defaults()));
            DataOrder<ai.cpift.model.data.TokenizedExample> order = new DataOrder<>(data.examples(), p.batchSize(), p.seed());
            try (FreezeMask freeze = FreezeMask.of(List.of(mask), m.model().parameters(), root);
                 TrainLoop loop = new TrainLoop(m.model(), root, p, freeze, 0)) {
                for (int s = 0; s < 3; s++) {
                    loop.step(s, order.batch(s));
                }
                int afterThree = root.getManagedArrays().size();
                for (int s = 3; s < 200; s++) {
                    loop.step(s, order.batch(s));
                }
                assertEquals(afterThree, root.getManagedArrays().size(), "arrays alive after 3 steps vs after 200");
            }
        }
    }
}
