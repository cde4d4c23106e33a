package ai.cpift.model.train;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.model.engine.NoGrad;
import ai.cpift.model.io.ModelSaver;
import ai.cpift.model.llama.LlamaModel;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resumable checkpoints under {@code out/checkpoints}:
 * <pre>
 * checkpoints/step-000100/
 *   config.json, model.safetensors (float32), tokenizer files   a Hugging Face model folder
 *   optimizer.safetensors                                        AdamW moments and step, see {@link AdamW#save}
 *   trainer_state.json                                           step, data position, fingerprint, see {@link TrainerState}
 * </pre>
 * The weights are float32 whatever the model's dtype, so that a resumed run continues from exactly
 * the values in memory. A checkpoint is assembled under a hidden name and renamed into place, so a
 * {@code step-*} folder is always complete; after the rename the older checkpoints are deleted (one
 * is kept: the rename makes a second unnecessary). Hidden leftovers of a killed run are deleted when
 * the next run starts.
 */
final class CheckpointStore {
    static final String DIR = "checkpoints";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");

    private final Path dir;

    CheckpointStore(Path out) {
        this.dir = out.resolve(DIR);
    }

    Path dir() {
        return dir;
    }

    /** The committed checkpoint with the most steps, if any. */
    Optional<Path> latest() throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(CheckpointStore::stepOf));
        }
    }

    static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Deletes what a killed run left half-written. */
    void deletePartial() throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
                    CheckpointWriter.deleteTree(p);
                }
            }
        }
    }

    /** Writes and commits the checkpoint after {@code state.step()} steps; returns its folder. */
    Path write(LlamaModel model, ModelConfig hfConfig, Path source, AdamW optimizer, TrainerState state) throws IOException {
        String name = String.format(Locale.ROOT, "step-%06d", state.step());
        Path tmp = dir.resolve("." + name + ".tmp");
        Path target = dir.resolve(name);
        Files.createDirectories(dir);
        CheckpointWriter.deleteTree(tmp);
        ModelSaver.save(model, hfConfig, n -> DType.F32, source, tmp);
        try (NoGrad ignored = NoGrad.enter()) {
            optimizer.save(tmp.resolve(OPTIMIZER));
        }
        state.write(tmp);
        CheckpointWriter.deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && !p.equals(target)).toList()) {
                CheckpointWriter.deleteTree(p);
            }
        }
        return target;
    }

    /** Copies a checkpoint's weights and optimizer state into the model's parameters and the optimizer, in place. */
    static void load(Path checkpoint, Map<String, Parameter> params, AdamW optimizer) throws IOException {
        try (Checkpoint c = Checkpoint.open(checkpoint); NoGrad ignored = NoGrad.enter()) {
            List<String> names = c.tensors().stream().map(TensorInfo::name).sorted().toList();
            if (!names.equals(params.keySet().stream().sorted().toList())) {
                throw new IOException("checkpoint " + checkpoint + " holds other tensors than the model: it belongs to another "
                        + "model; fix: delete it or choose another --out");
            }
            for (var e : params.entrySet()) {
                TensorInfo t = c.info(e.getKey());
                TensorIo.read(c.data(t), t, e.getValue().getArray());
            }
            optimizer.load(checkpoint.resolve(OPTIMIZER));
        }
    }

    void deleteAll() throws IOException {
        CheckpointWriter.deleteTree(dir);
    }

}
