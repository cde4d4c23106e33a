package ai.cpift.cli.train;

import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.eval.EvalResult;
import ai.cpift.model.eval.Evaluator;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift eval}: mean response loss and exact-match accuracy of a model on JSONL datasets. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on JSONL datasets: mean cross-entropy over the response tokens, and exact match of",
                "greedy generation (stopped at eos, trailing whitespace ignored) against the reference response.",
                "With --json the last line of standard output is {\"model\": ..., \"results\": [...]}."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder.")
    Path model;

    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "FILE", description = "JSONL dataset(s).")
    List<Path> data;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Generation limit (default: ${DEFAULT-VALUE}).")
    int maxNewTokens = EvalParams.DEFAULTS.maxNewTokens();

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize = EvalParams.DEFAULTS.batchSize();

    @Option(names = "--max-length", paramLabel = "T", description = "Input positions of a row for the loss (default: ${DEFAULT-VALUE}).")
    int maxLength = EvalParams.DEFAULTS.maxLength();

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch threads (default: the engine's).")
    int threads = 0;

    @Option(names = "--json", description = "Print the results as one JSON object, the last line of standard output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Threads.beforeEngineStarts(threads);
        EvalParams p = new EvalParams(maxNewTokens, batchSize, maxLength);
        ObjectNode all = new ObjectMapper().createObjectNode();
        all.put("model", model.toString());
        var results = all.putArray("results");
        var o = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(model)) {
            if (threads > 0) {
                JniUtils.setNumThreads(threads);
            }
            LoadedModel loaded = ModelLoader.load(model, manager);
            Evaluator ev = new Evaluator(loaded.model(), tok, PromptTemplate.defaults(), p);
            for (Path file : data) {
                EvalResult r = ev.evaluate(file, manager);
                results.add(r.toJson());
                o.printf(Locale.ROOT, "%s: %d examples, exact match %d/%d (%.1f %%), mean loss %.4f, %.1f s%n", file, r.examples(),
                        r.exactMatches(), r.examples(), 100 * r.exactMatch(), r.meanLoss(), r.seconds());
                for (EvalResult.Miss m : r.misses()) {
                    o.printf(Locale.ROOT, "  miss %s: expected %s, got %s%n", m.origin(), quote(m.expected()), quote(m.generated()));
                }
            }
        }
        if (json) {
            o.println(all);
        }
        return 0;
    }

    private static String quote(String s) {
        String q = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
        return "\"" + (q.length() > 80 ? q.substring(0, 77) + "..." : q) + "\"";
    }
}
