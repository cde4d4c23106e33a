package ai.cpift.model.train;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.DType;
import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.TokenizedExample;
import ai.cpift.model.eval.EvalResult;
import ai.cpift.model.eval.Evaluator;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.io.ModelSaver;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Supervised fine-tuning from files to files ({@code cpift train}, the trainer service).
 *
 * <p>Everything is read and checked before anything is written, so a bad dataset line, mask or model
 * leaves {@code out} untouched. The run then trains ({@link TrainLoop}), commits a checkpoint every
 * {@link TrainParams#checkpointEvery} steps and after the last ({@link CheckpointStore}), saves the
 * model into {@code out} (each tensor in its source dtype unless told otherwise), evaluates it when
 * asked, writes {@code training.json} last and deletes the checkpoints. {@code training.json} marks
 * a finished output.
 *
 * <p>The same job run again on the same {@code out} picks up where the last one stopped: from the
 * newest checkpoint if the run was killed (ending with weights bit-identical to an uninterrupted
 * run), or not at all if it had finished. A checkpoint or a finished output of a different run
 * (another fingerprint: hyper-parameters, model, data, masks) is refused, naming what differs.
 *
 * <p>One run at a time per JVM: libtorch has one gradient collector per process. A run may be on any
 * thread; it turns autograd off itself where it updates parameters in place.
 */
public final class SftTrainer {
    public static final String SUMMARY = "training.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SftTrainer() {
    }

    public static TrainSummary run(TrainJob job, TrainListener listener) throws IOException {
        Path out = job.out();
        CheckpointStore store = new CheckpointStore(out);
        boolean finished = Files.isRegularFile(out.resolve(SUMMARY));
        Optional<Path> checkpoint = finished ? Optional.empty() : store.latest();
        requireUsableOut(out, finished || checkpoint.isPresent());
        try (RunInputs in = new RunInputs(job)) {
            if (finished) {
                ObjectNode done = (ObjectNode) JSON.readTree(out.resolve(SUMMARY).toFile());
                requireSameRun(out.resolve(SUMMARY), done.path("fingerprint"), in.fingerprint);
                listener.message(out + " already holds this finished run; nothing to do");
                return new TrainSummary(out, done.path("steps").asInt(), done.path("steps").asInt(),
                        done.path("final_loss").asDouble(), done.path("seconds").asDouble(), true, done);
            }
            TrainerState resumed = null;
            if (checkpoint.isPresent()) {
                resumed = TrainerState.read(checkpoint.get());
                requireSameRun(checkpoint.get(), resumed.fingerprint(), in.fingerprint);
            }
            if (in.truncated > 0) {
                listener.message(in.truncated + " example(s) are longer than --max-length " + job.params().maxLength()
                        + " + 1 tokens and will be cut (prompt first, from the left)");
            }
            ObjectNode summary = train(job, in, store, checkpoint.orElse(null), resumed, listener);
            summary.set("eval", evaluate(job, in));
            writeAtomically(out.resolve(SUMMARY), summary);
            store.deleteAll();
            return new TrainSummary(out, job.params().steps(), resumed == null ? 0 : resumed.step(),
                    summary.path("final_loss").asDouble(), summary.path("seconds").asDouble(), false, summary);
        }
    }

    private static ObjectNode train(TrainJob job, RunInputs in, CheckpointStore store, Path checkpoint, TrainerState resumed,
                                    TrainListener listener) throws IOException {
        TrainParams p = job.params();
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = ModelLoader.load(job.model(), manager);
            if (in.tokenizer.vocabSize() > loaded.model().config().vocab()) {
                throw new IllegalArgumentException("the tokenizer of " + job.model() + " has " + in.tokenizer.vocabSize()
                        + " tokens but the model only " + loaded.model().config().vocab() + " embedding rows; fix: a model folder "
                        + "whose tokenizer.json and config.json belong together");
            }
            var params = loaded.model().parameters();
            try (FreezeMask freeze = in.masks.isEmpty() ? FreezeMask.none() : FreezeMask.of(in.masks, params, manager);
                 TrainLoop loop = new TrainLoop(loaded.model(), manager, p, freeze, in.padId)) {
                long total = loaded.model().config().parameterCount();
                if (!in.masks.isEmpty()) {
                    listener.message(String.format(Locale.ROOT, "freezing %,d of %,d elements (%.3f %%), the union of %d mask(s)",
                            freeze.frozenElements(), total, 100.0 * freeze.frozenElements() / total, in.masks.size()));
                }
                int start = 0;
                List<double[]> curve = new ArrayList<>();
                long tokensSeen = 0;
                double secondsBefore = 0;
                double lastLoss = Double.NaN;
                if (resumed != null) {
                    CheckpointStore.load(checkpoint, params, loop.optimizer());
                    start = resumed.step();
                    curve.addAll(resumed.lossCurve());
                    tokensSeen = resumed.tokensSeen();
                    secondsBefore = resumed.seconds();
                    lastLoss = resumed.lastLoss();
                    listener.message("resuming from " + checkpoint + " (" + start + " of " + p.steps() + " steps done)");
                }
                store.deletePartial();
                DataOrder<TokenizedExample> order = new DataOrder<>(in.examples, p.batchSize(), p.seed());
                listener.started(start, p.steps(), order.size());
                long began = System.nanoTime();
                Interval interval = new Interval();
                for (int step = start; step < p.steps(); step++) {
                    StepResult r = loop.step(step, order.batch(step));
                    tokensSeen += r.tokens();
                    lastLoss = r.loss();
                    interval.add(r);
                    int done = step + 1;
                    double elapsed = (System.nanoTime() - began) / 1e9;
                    if (done % p.logEvery() == 0 || done == p.steps()) {
                        curve.add(new double[]{done, interval.meanLoss()});
                        listener.progress(new TrainProgress(done, p.steps(), interval.meanLoss(), r.lr(), r.gradNorm(),
                                interval.tokensPerSecond(), elapsed, elapsed / (done - start) * (p.steps() - done)));
                        interval = new Interval();
                    }
                    if (p.checkpointEvery() > 0 && (done % p.checkpointEvery() == 0 || done == p.steps())) {
                        TrainerState state = new TrainerState(done, order.examplesBefore(done), tokensSeen, secondsBefore + elapsed,
                                lastLoss, curve, in.fingerprint);
                        listener.checkpointed(done, store.write(loaded.model(), loaded.hfConfig(), job.model(), loop.optimizer(), state));
                    }
                }
                double seconds = secondsBefore + (System.nanoTime() - began) / 1e9;
                Function<String, DType> dtypeOf = job.saveDtype() == null ? loaded.dtypes()::get : n -> job.saveDtype();
                saveInto(job.out(), loaded, dtypeOf);
                return summary(job, in, start, p.steps(), order.examplesBefore(p.steps()), tokensSeen, lastLoss, curve, seconds,
                        freeze.frozenElements(), total);
            }
        }
    }

    /** Writes the model into {@code out}, which may already hold checkpoints: built aside, then moved in file by file. */
    private static void saveInto(Path out, LoadedModel loaded, Function<String, DType> dtypeOf) throws IOException {
        Path staging = out.resolve(".final.tmp");
        CheckpointWriter.deleteTree(staging);
        ModelSaver.save(loaded.model(), loaded.hfConfig(), dtypeOf, loaded.source(), staging);
        try (Stream<Path> files = Files.list(staging)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(SUMMARY)) {
                    Files.move(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        CheckpointWriter.deleteTree(staging);
    }

    private static ObjectNode summary(TrainJob job, RunInputs in, int resumedFrom, int steps, long examples, long tokens,
                                      double lastLoss, List<double[]> curve, double seconds, long frozen, long total) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("model").put("path", job.model().toString()).put("sha256", in.modelSha);
        o.set("data", in.dataJson);
        o.set("freeze", in.freezeJson);
        o.put("frozen_elements", frozen);
        o.put("parameters", total);
        o.set("params", Fingerprint.paramsJson(job.params()));
        o.put("steps", steps);
        o.put("resumed_from_step", resumedFrom);
        o.put("examples_seen", examples);
        o.put("epochs", (double) examples / in.examples.size());
        o.put("tokens_seen", tokens);
        o.put("final_loss", lastLoss);
        o.set("loss_curve", TrainerState.curve(curve));
        o.put("seconds", seconds);
        o.put("save_dtype", job.saveDtype() == null ? "source" : job.saveDtype().torchName());
        try (Checkpoint c = Checkpoint.open(job.out())) {
            o.put("output_sha256", CheckpointDigest.sha256(c));
        }
        o.put("finished_at", Instant.now().toString());
        o.set("fingerprint", in.fingerprint);
        return o;
    }

    /** Evaluates the saved model (what a user gets, in its saved dtype) on the job's eval sets. */
    private static com.fasterxml.jackson.databind.node.ArrayNode evaluate(TrainJob job, RunInputs in) throws IOException {
        var arr = JSON.createArrayNode();
        if (in.evalSets.isEmpty()) {
            return arr;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel saved = ModelLoader.load(job.out(), manager);
            Evaluator ev = new Evaluator(saved.model(), in.tokenizer, PromptTemplate.defaults(), job.evalParams());
            for (int i = 0; i < in.evalSets.size(); i++) {
                EvalResult r = ev.evaluate(job.eval().get(i).toString(), in.evalShas.get(i), in.evalSets.get(i), manager);
                arr.add(r.toJson());
            }
        }
        return arr;
    }

    private static void requireUsableOut(Path out, boolean ours) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new FileAlreadyExistsException(out.toString(), null, "exists and is not a folder; fix: choose another --out");
        }
        if (!ours && Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.anyMatch(p -> !p.getFileName().toString().equals(CheckpointStore.DIR))) {
                    throw new FileAlreadyExistsException(out.toString(), null, "exists, is not empty and holds no training run; "
                            + "fix: choose another --out or remove it");
                }
            }
        }
    }

    private static void requireSameRun(Path where, com.fasterxml.jackson.databind.JsonNode recorded, ObjectNode current) {
        List<String> diff = Fingerprint.differences(recorded, current);
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException(where + " belongs to a different run (" + String.join("; ", diff)
                    + "); fix: run with the same model, data, masks and options, or choose another --out");
        }
    }

    private static void writeAtomically(Path file, ObjectNode json) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), json);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loss and speed over the steps since the last report. */
    private static final class Interval {
        private double lossSum;
        private int steps;
        private long tokens;
        private double seconds;

        void add(StepResult r) {
            lossSum += r.loss();
            steps++;
            tokens += r.tokens();
            seconds += r.seconds();
        }

        double meanLoss() {
            return lossSum / steps;
        }

        double tokensPerSecond() {
            return tokens / seconds;
        }
    }
}
