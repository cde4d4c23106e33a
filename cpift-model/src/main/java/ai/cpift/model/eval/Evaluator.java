package ai.cpift.model.eval;

import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.model.data.BatchParams;
import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.SftBatch;
import ai.cpift.model.data.SftCollator;
import ai.cpift.model.data.SftEncoder;
import ai.cpift.model.data.SftExample;
import ai.cpift.model.data.SftJsonlReader;
import ai.cpift.model.data.TokenizedExample;
import ai.cpift.model.llama.LlamaModel;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.cpift.model.train.ResponseLoss;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's mean response loss and exact-match accuracy on an SFT dataset.
 *
 * <p>Loss: the training loss, mean cross-entropy over the response tokens and the eos of every
 * example, in right-padded batches (a causal model never looks right, so padding changes nothing).
 *
 * <p>Exact match: the prompt ({@code [bos] + template(prompt)}, the tokens training puts before the
 * response) is continued greedily with the KV cache until the eos or {@link EvalParams#maxNewTokens};
 * the answer is right when generation stopped at an eos and the decoded text before it equals the
 * reference response, both with trailing whitespace removed (a model that adds a final newline before
 * its eos has still answered; leading and inner whitespace count). Prompts are generated in batches
 * of equal prompt length, see {@link BatchGreedy}.
 */
public final class Evaluator {
    static final int MISSES_KEPT = 5;

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final SftEncoder encoder;
    private final EvalParams params;
    private final int eos;
    private final SftCollator collator;

    public Evaluator(LlamaModel model, Tokenizer tokenizer, PromptTemplate template, EvalParams params) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = new SftEncoder(tokenizer, template);
        this.params = params;
        this.eos = tokenizer.specialTokens().eos().orElseThrow();
        this.collator = new SftCollator(tokenizer.specialTokens().padOrEos().orElseThrow(), new BatchParams(params.maxLength(), false));
    }

    /** Reads a JSONL dataset (errors as {@link SftJsonlReader} gives them) and evaluates on it. */
    public EvalResult evaluate(Path data, NDManager manager) throws IOException {
        List<SftExample> examples = SftJsonlReader.readAll(data);
        return evaluate(data.toString(), CheckpointDigest.sha256(List.of(data)), examples, manager);
    }

    /** Evaluates on {@code examples}; the arrays of the work live in sub-managers of {@code manager}. */
    public EvalResult evaluate(String dataset, String sha256, List<SftExample> examples, NDManager manager) {
        long start = System.nanoTime();
        List<TokenizedExample> encoded = examples.stream().map(encoder::encode).toList();
        double lossSum = 0;
        long lossTokens = 0;
        for (int from = 0; from < encoded.size(); from += params.batchSize()) {
            SftBatch b = collator.collate(encoded.subList(from, Math.min(encoded.size(), from + params.batchSize())));
            try (NDManager m = manager.newSubManager()) {
                Shape shape = new Shape(b.rows(), b.length());
                NDArray logits = model.logits(m.create(b.inputIds(), shape)); // [B, T, V]
                NDArray labels = m.create(b.labels(), shape).toType(DataType.INT64, false);
                NDArray mask = m.create(b.lossMask(), shape).toType(DataType.FLOAT32, false);
                lossSum += ResponseLoss.sum(logits, labels, mask).getFloat();
            }
            lossTokens += b.lossTokens();
        }
        int matches = 0;
        List<EvalResult.Miss> misses = new ArrayList<>();
        boolean[] right = new boolean[examples.size()];
        String[] said = new String[examples.size()];
        for (List<Integer> group : byPromptLength(encoded).values()) {
            for (int from = 0; from < group.size(); from += params.batchSize()) {
                List<Integer> rows = group.subList(from, Math.min(group.size(), from + params.batchSize()));
                int[][] prompts = rows.stream().map(i -> prompt(encoded.get(i))).toArray(int[][]::new);
                List<BatchGreedy.Generation> out = BatchGreedy.generate(model, manager, prompts, params.maxNewTokens(), eos);
                for (int k = 0; k < rows.size(); k++) {
                    int i = rows.get(k);
                    said[i] = decode(out.get(k).tokens());
                    right[i] = out.get(k).stoppedAtEos() && said[i].stripTrailing().equals(examples.get(i).response().stripTrailing());
                }
            }
        }
        for (int i = 0; i < examples.size(); i++) {
            if (right[i]) {
                matches++;
            } else if (misses.size() < MISSES_KEPT) {
                misses.add(new EvalResult.Miss(examples.get(i).origin().toString(), examples.get(i).response(), said[i]));
            }
        }
        return new EvalResult(dataset, sha256, examples.size(), lossTokens, lossTokens == 0 ? Double.NaN : lossSum / lossTokens,
                matches, (System.nanoTime() - start) / 1e9, misses);
    }

    /** The text of generated ids; an id the tokenizer lacks (the model's vocabulary may be padded) is shown, not decoded. */
    private String decode(int[] ids) {
        for (int id : ids) {
            if (id >= tokenizer.vocabSize()) {
                return tokenizer.decode(Arrays.stream(ids).filter(t -> t < tokenizer.vocabSize()).toArray())
                        + " [and token " + id + ", which the tokenizer does not have]";
            }
        }
        return tokenizer.decode(ids);
    }

    private static int[] prompt(TokenizedExample e) {
        return Arrays.copyOf(e.tokens(), e.responseStart());
    }

    /** Example indices grouped by prompt length, each group in dataset order. */
    private static Map<Integer, List<Integer>> byPromptLength(List<TokenizedExample> encoded) {
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < encoded.size(); i++) {
            groups.computeIfAbsent(encoded.get(i).responseStart(), k -> new ArrayList<>()).add(i);
        }
        return groups;
    }
}
