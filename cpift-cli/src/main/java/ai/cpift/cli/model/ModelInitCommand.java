package ai.cpift.cli.model;

import ai.cpift.core.safetensors.DType;
import ai.cpift.model.init.CharVocabulary;
import ai.cpift.model.init.HfConfigJson;
import ai.cpift.model.init.InitOptions;
import ai.cpift.model.init.ModelInit;
import ai.cpift.model.llama.LlamaConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift model init}: a new random Llama-family model with a character-level tokenizer. */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a new, randomly initialised Hugging Face model folder:",
                "config.json, model.safetensors, a character-level tokenizer.json and tokenizer_config.json."})
public final class ModelInitCommand implements Callable<Integer> {
    /** Printable ASCII and the newline: enough for English text and code. */
    static final String DEFAULT_CHARS = printableAscii() + "\\n";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New model folder (must not exist or be empty).")
    Path out;

    @Option(names = "--model-type", defaultValue = "llama", description = "llama, qwen2 (q/k/v biases) or mistral. Default: ${DEFAULT-VALUE}.")
    String modelType;

    @Option(names = "--layers", defaultValue = "2", description = "Decoder layers. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--hidden", defaultValue = "64", description = "hidden_size. Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--heads", defaultValue = "4", description = "Attention (query) heads. Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--kv-heads", description = "Key/value heads, fewer for grouped-query attention. Default: --heads.")
    Integer kvHeads;

    @Option(names = "--head-dim", description = "Width of a head. Default: hidden / heads.")
    Integer headDim;

    @Option(names = "--intermediate", description = "MLP width. Default: 8/3 × hidden rounded up to a multiple of 8,"
            + " Llama's ratio, which gives SwiGLU's three matrices the cost of a 4 × hidden two-matrix MLP.")
    Integer intermediate;

    @Option(names = "--vocab-chars", description = "The characters of the vocabulary, after <pad>, <s>, </s>, <unk> (ids 0-3);"
            + " \\n, \\t and \\\\ stand for newline, tab and backslash. Default: printable ASCII and newline.")
    String vocabChars = DEFAULT_CHARS;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed; the same seed gives the same bytes. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dtype", defaultValue = "f32", description = "f32, bf16, f16 or f64. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--tied", description = "Tie the LM head to the token embedding.")
    boolean tied;

    @Option(names = "--untied", description = "A separate LM head (the default, as Hugging Face's LlamaConfig).")
    boolean untied;

    @Option(names = "--attention-bias", description = "llama: biases on the q, k, v and o projections (attention_bias)."
            + " qwen2 always has q/k/v biases.")
    boolean attentionBias;

    @Option(names = "--rope-theta", description = "RoPE base. Default: 1e6 for qwen2, 10000 otherwise.")
    Double ropeTheta;

    @Option(names = "--max-positions", defaultValue = "2048", description = "max_position_embeddings. Default: ${DEFAULT-VALUE}.")
    int maxPositions;

    @Option(names = "--rms-norm-eps", defaultValue = "1e-6", description = "RMSNorm epsilon. Default: ${DEFAULT-VALUE}.")
    double rmsNormEps;

    @Option(names = "--init-std", defaultValue = "0.02", description = "Std of the normal init (initializer_range). Default: ${DEFAULT-VALUE}.")
    double std;

    @Option(names = "--random-norms-and-biases", description = "Draw norm scales as 1 + N(0, std) and biases as N(0, std)"
            + " instead of 1 and 0 (for golden tests, so that every parameter matters).")
    boolean randomNormsAndBiases;

    @Override
    public Integer call() throws Exception {
        if (tied && untied) {
            throw new IllegalArgumentException("--tied and --untied exclude each other");
        }
        if (heads <= 0 || hidden <= 0) {
            throw new IllegalArgumentException("--hidden and --heads must be positive");
        }
        CharVocabulary vocab = CharVocabulary.of(unescape(vocabChars));
        HfConfigJson.architecture(modelType);
        if (attentionBias && !modelType.equals("llama")) {
            throw new IllegalArgumentException("--attention-bias is a llama option; qwen2 has q/k/v biases always, mistral none");
        }
        LlamaConfig arch = new LlamaConfig(modelType, hidden, layers, heads, kvHeads == null ? heads : kvHeads,
                headDim == null ? hidden / heads : headDim, intermediate == null ? defaultIntermediate(hidden) : intermediate,
                vocab.size(), rmsNormEps, ropeTheta == null ? HfConfigJson.defaultRopeTheta(modelType) : ropeTheta,
                tied, modelType.equals("qwen2") || attentionBias, attentionBias, 0);
        InitOptions o = new InitOptions(DType.parseUserName(dtype), maxPositions, seed, std, randomNormsAndBiases);
        ModelInit.write(out, arch, vocab, o);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s, %d layers, hidden %d, %d heads (%d kv, head_dim %d),"
                        + " intermediate %d, vocab %d (4 special + %d characters), %s head, %,d parameters, %s%n",
                out, modelType, layers, hidden, heads, arch.kvHeads(), arch.headDim(), arch.intermediate(), vocab.size(),
                vocab.characters().size(), tied ? "tied" : "untied", arch.parameterCount(), o.dtype().torchName());
        return 0;
    }

    static int defaultIntermediate(int hidden) {
        int raw = (int) Math.ceil(8.0 * hidden / 3);
        return (raw + 7) / 8 * 8;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case '\\' -> b.append('\\');
                    default -> throw new IllegalArgumentException("--vocab-chars: unknown escape \\" + n + "; use \\n, \\t or \\\\");
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String printableAscii() {
        StringBuilder b = new StringBuilder();
        for (char c = ' '; c <= '~'; c++) {
            b.append(c == '\\' ? "\\\\" : String.valueOf(c));
        }
        return b.toString();
    }
}
