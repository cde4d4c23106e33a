package ai.cpift.trainer.app;

import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.engine.NoGrad;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.eval.EvalResult;
import ai.cpift.model.eval.Evaluator;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact match of a model folder on tasks' eval sets, in percent, with the offline pipeline's evaluator
 * (greedy answer up to the eos equals the reference). Each model is loaded once for all its tasks.
 */
final class ExactMatch {
    private final EvalParams params;

    ExactMatch(EvalParams params) {
        this.params = params;
    }

    /** The model's exact match (%) on each set, by task. */
    Map<String, Double> score(Path model, List<EvalSet> sets) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        if (sets.isEmpty()) {
            return out;
        }
        // the handler thread has autograd on (only the engine's first thread has it off): scoring records no graph
        try (NoGrad ignored = NoGrad.enter(); NDManager manager = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(model)) {
            LoadedModel loaded = ModelLoader.load(model, manager);
            Evaluator ev = new Evaluator(loaded.model(), tok, PromptTemplate.defaults(), params);
            for (EvalSet s : sets) {
                EvalResult r = ev.evaluate(s.key(), s.sha256(), s.examples(), manager);
                out.put(s.task(), 100.0 * r.exactMatch());
            }
        }
        return out;
    }
}
