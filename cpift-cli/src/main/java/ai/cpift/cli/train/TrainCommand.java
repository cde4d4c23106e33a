package ai.cpift.cli.train;

import ai.cpift.core.safetensors.DType;
import ai.cpift.model.eval.EvalParams;
import ai.cpift.model.train.SftTrainer;
import ai.cpift.model.train.TrainJob;
import ai.cpift.model.train.TrainParams;
import ai.cpift.model.train.TrainSummary;
import ai.cpift.model.train.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cpift train}: supervised fine-tuning, optionally with frozen core elements, resumable. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model on JSONL datasets (loss on the response only), freezing the union of the given core masks.",
                "Writes the model to --out as a Hugging Face folder with training.json. Checkpoints go to --out/checkpoints;"
                        + " the same command run again resumes from the newest one (bit-identical on one thread).",
                "Progress goes to standard error; with --json the last line of standard output is training.json."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder to start from.")
    Path model;

    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "FILE", description = "JSONL dataset(s), mixed.")
    List<Path> data;

    @Option(names = "--freeze", arity = "1..*", paramLabel = "MASK", description = "Mask file(s) whose union stays bit-identical.")
    List<Path> freeze = List.of();

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Optimizer steps.")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (new, or one this command wrote).")
    Path out;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: 2e-5; ~1e-3 for a model trained from scratch).")
    double lr = TrainParams.DEFAULTS.lr();

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize = TrainParams.DEFAULTS.batchSize();

    @Option(names = "--accumulate", paramLabel = "K", description = "Micro-batches per step, dividing --batch-size (default: ${DEFAULT-VALUE}).")
    int accumulate = 1;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warm-up steps (default: 3 %% of --steps).")
    Integer warmup;

    @Option(names = "--min-lr-ratio", paramLabel = "R", description = "Cosine decay floor as a fraction of --lr (default: ${DEFAULT-VALUE}).")
    double minLrRatio = TrainParams.DEFAULTS.minLrRatio();

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Decoupled weight decay of matrices (default: ${DEFAULT-VALUE}).")
    double weightDecay = TrainParams.DEFAULTS.weightDecay();

    @Option(names = "--clip", paramLabel = "NORM", description = "Global gradient-norm clip, 0 for none (default: ${DEFAULT-VALUE}).")
    double clip = TrainParams.DEFAULTS.clipNorm();

    @Option(names = "--max-length", paramLabel = "T", description = "Input positions of a row (default: ${DEFAULT-VALUE}).")
    int maxLength = TrainParams.DEFAULTS.maxLength();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the data order (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints, 0 for none (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = TrainParams.DEFAULTS.checkpointEvery();

    @Option(names = "--log-every", paramLabel = "N", description = "Steps between progress lines (default: ${DEFAULT-VALUE}).")
    int logEvery = TrainParams.DEFAULTS.logEvery();

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch threads (default: the engine's, ai.djl.pytorch.num_threads); 1 for runs that repeat bit for bit.")
    int threads = 0;

    @Option(names = "--dtype", paramLabel = "T", description = "dtype of the saved model: f32, bf16, f16 (default: each tensor's source dtype).")
    String dtype;

    @Option(names = "--eval", arity = "1..*", paramLabel = "FILE", description = "JSONL dataset(s) to evaluate the saved model on.")
    List<Path> eval = List.of();

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Generation limit of --eval (default: ${DEFAULT-VALUE}).")
    int maxNewTokens = EvalParams.DEFAULTS.maxNewTokens();

    @Option(names = "--json", description = "Print training.json as one line, the last of standard output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Threads.beforeEngineStarts(threads);
        TrainParams p = new TrainParams(steps, batchSize, accumulate, lr, warmup == null ? (int) Math.round(0.03 * steps) : warmup,
                minLrRatio, TrainParams.DEFAULTS.beta1(), TrainParams.DEFAULTS.beta2(), TrainParams.DEFAULTS.eps(), weightDecay, clip,
                maxLength, seed, logEvery, checkpointEvery, threads);
        DType save = dtype == null ? null : DType.parseUserName(dtype);
        EvalParams ep = new EvalParams(maxNewTokens, EvalParams.DEFAULTS.batchSize(), maxLength);
        var err = spec.commandLine().getErr();
        TrainSummary s;
        try {
            s = SftTrainer.run(new TrainJob(model, data, freeze, out, p, save, eval, ep), new TrainLog(err));
        } catch (TrainingDivergedException e) {
            err.println("cpift train: " + e.getMessage() + " (the last checkpoint, if any, is kept in " + out + "/checkpoints)");
            return 1;
        }
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s %s: %d steps, final loss %.4f, %.1f s%n", s.alreadyComplete() ? "already trained" : "wrote", out,
                s.steps(), s.finalLoss(), s.seconds());
        for (var r : s.json().path("eval")) {
            o.printf(Locale.ROOT, "eval %s: exact match %d/%d (%.1f %%), mean loss %.4f%n", r.path("dataset").asText(),
                    r.path("exact_matches").asInt(), r.path("examples").asInt(), 100 * r.path("exact_match").asDouble(),
                    r.path("mean_loss").asDouble());
        }
        if (json) {
            o.println(s.json().toString());
        }
        return 0;
    }
}
