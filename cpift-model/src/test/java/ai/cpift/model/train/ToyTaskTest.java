package ai.cpift.model.train;

import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.eval.EvalResult;
import ai.cpift.model.eval.Evaluator;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny random model learns a toy task to every answer right, through the whole file-to-file trainer. */
class ToyTaskTest {
    @TempDir
    Path dir;

    @Test
    void learnsTheNextLetterToFullExactMatch() throws Exception {
        Path model = TrainFixtures.tinyModel(dir.resolve("base"), 1);
        Path data = TrainFixtures.nextLetter(dir.resolve("next.jsonl"));
        TrainParams p = TrainParams.DEFAULTS.withSteps(150).withBatch(26, 1).withLr(3e-3, 10, 0.1).withIntervals(10, 0);
        long t0 = System.nanoTime();
        TrainSummary s = SftTrainer.run(new TrainJob(model, List.of(data), List.of(), dir.resolve("out"), p, null, List.of(data),
                EvalParams.DEFAULTS), TrainListener.NONE);
        System.out.printf("toy task: 150 steps in %.1f s, final loss %.4f%n", (System.nanoTime() - t0) / 1e9, s.finalLoss());
        try (NDManager m = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(dir.resolve("out"))) {
            LoadedModel trained = ModelLoader.load(dir.resolve("out"), m);
            EvalResult r = new Evaluator(trained.model(), tok, PromptTemplate.defaults(), EvalParams.DEFAULTS).evaluate(data, m);
            assertEquals(26, r.examples());
            assertEquals(26, r.exactMatches(), r.misses().toString());
            assertTrue(r.meanLoss() < 0.05, "mean loss " + r.meanLoss());
            assertEquals(r.toJson().get("exact_match"), s.json().get("eval").get(0).get("exact_match"));
        }
    }
}
