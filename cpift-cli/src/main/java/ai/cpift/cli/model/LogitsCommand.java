package ai.cpift.cli.model;

import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift logits}: the model's logits for a token sequence, as JSON. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = {"Print the logits of a token sequence as the last line of standard output: a JSON array [T][vocab].",
                "No special tokens are added; progress goes to standard error."})
public final class LogitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder (llama, qwen2, mistral).")
    Path model;

    @Option(names = "--tokens", required = true, paramLabel = "IDS", description = "Comma-separated token ids, e.g. 1,2,3.")
    String tokens;

    @Override
    public Integer call() throws Exception {
        long[] ids = parse(tokens);
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = ModelLoader.load(model, manager);
            int vocab = loaded.model().config().vocab();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new IllegalArgumentException("--tokens: token id " + ids[i] + " at position " + i
                            + " is outside the vocabulary of " + model + " (ids 0.." + (vocab - 1) + ")");
                }
            }
            err.printf(Locale.ROOT, "loaded %s (%s, %,d parameters) in %d ms%n", model, loaded.model().config().modelType(),
                    loaded.model().config().parameterCount(), (System.nanoTime() - start) / 1_000_000);
            NDArray logits = loaded.model().logits(manager.create(ids, new Shape(1, ids.length))); // [1, T, vocab]
            float[] values = logits.toFloatArray();
            ArrayNode rows = new ObjectMapper().createArrayNode();
            for (int t = 0; t < ids.length; t++) {
                ArrayNode row = rows.addArray();
                for (int v = 0; v < vocab; v++) {
                    row.add(values[t * vocab + v]);
                }
            }
            spec.commandLine().getOut().println(rows);
        }
        return 0;
    }

    static long[] parse(String list) {
        String[] parts = list.split(",", -1);
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--tokens: '" + parts[i].strip() + "' (item " + (i + 1)
                        + ") is not a token id; give comma-separated integers such as 1,2,3");
            }
        }
        return ids;
    }
}
