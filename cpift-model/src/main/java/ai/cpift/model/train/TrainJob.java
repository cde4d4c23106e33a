package ai.cpift.model.train;

import ai.cpift.core.safetensors.DType;
import ai.cpift.model.eval.EvalParams;

import java.nio.file.Path;
import java.util.List;

/**
 * A fine-tuning run on files, as {@code cpift train} and the trainer service describe it.
 *
 * @param model      Hugging Face model folder to start from (its tokenizer is used)
 * @param data       JSONL datasets, trained on mixed (their examples concatenated in the order given, then
 *                   shuffled per epoch)
 * @param freeze     core mask files whose union is frozen (none for plain SFT)
 * @param out        the output folder: the final Hugging Face model and {@code training.json}; checkpoints
 *                   under {@code out/checkpoints} while it runs
 * @param params     the hyper-parameters
 * @param saveDtype  dtype of the saved model, or null for each tensor's dtype in {@code model}
 * @param eval       datasets to evaluate the saved model on at the end (may be empty)
 * @param evalParams how to evaluate
 */
public record TrainJob(Path model, List<Path> data, List<Path> freeze, Path out, TrainParams params, DType saveDtype,
                       List<Path> eval, EvalParams evalParams) {
    public TrainJob {
        data = List.copyOf(data);
        freeze = List.copyOf(freeze);
        eval = List.copyOf(eval);
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no dataset to train on; fix: give at least one JSONL file");
        }
    }

    public static TrainJob of(Path model, List<Path> data, List<Path> freeze, Path out, TrainParams params) {
        return new TrainJob(model, data, freeze, out, params, null, List.of(), EvalParams.DEFAULTS);
    }
}
