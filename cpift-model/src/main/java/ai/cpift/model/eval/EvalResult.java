package ai.cpift.model.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A model's figures on one dataset.
 *
 * @param dataset     the dataset as it was named (its path)
 * @param sha256      SHA-256 of the dataset file, so a figure can be traced to the exact data
 * @param examples    examples evaluated
 * @param lossTokens  response tokens (and eos) the loss was averaged over
 * @param meanLoss    mean cross-entropy per response token, over the whole dataset (token-weighted, as in training)
 * @param exactMatches examples whose greedy answer equals the reference, see {@link Evaluator}
 * @param seconds     wall time of the evaluation
 * @param misses      the first few wrong answers, for a look
 */
public record EvalResult(String dataset, String sha256, int examples, long lossTokens, double meanLoss, int exactMatches,
                         double seconds, List<Miss> misses) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public EvalResult {
        misses = List.copyOf(misses);
    }

    /** A wrong answer: where the example is, what was expected and what the model said. */
    public record Miss(String origin, String expected, String generated) {
    }

    /** Exact-match accuracy in [0, 1]. */
    public double exactMatch() {
        return examples == 0 ? 0 : (double) exactMatches / examples;
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("dataset", dataset);
        o.put("sha256", sha256);
        o.put("examples", examples);
        o.put("loss_tokens", lossTokens);
        o.put("mean_loss", meanLoss);
        o.put("exact_matches", exactMatches);
        o.put("exact_match", exactMatch());
        o.put("seconds", seconds);
        var arr = o.putArray("misses");
        for (Miss m : misses) {
            arr.addObject().put("origin", m.origin()).put("expected", m.expected()).put("generated", m.generated());
        }
        return o;
    }
}
