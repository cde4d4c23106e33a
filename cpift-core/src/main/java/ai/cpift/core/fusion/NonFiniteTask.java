package ai.cpift.core.fusion;

import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.tensor.FloatCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The error for a task tensor whose sum of squares over a chunk came out non-finite in the Gram
 * pass: the chunk is read again and its first NaN or infinite element named, by flat and by
 * multi-index, with what to do about it.
 */
final class NonFiniteTask {
    private NonFiniteTask() {
    }

    /**
     * @param task     the task's number in {@code windows}
     * @param tensor   the task's tensor
     * @param taskName the task's name
     * @param start    the chunk's first element
     * @param end      the element after the chunk's last
     */
    static FusionInputException error(TaskWindows windows, int task, TensorInfo tensor, String taskName, long start, long end,
                                      FusionScratch s) {
        long span = windows.span(1);
        for (long w = start; w < end; w += span) {
            int len = (int) Math.min(span, end - w);
            windows.load(task, w, len, s);
            for (int i = 0; i < len; i++) {
                float v = FloatCodec.decodeOne(tensor.dtype(), s.in[task], i);
                if (!Float.isFinite(v)) {
                    return new FusionInputException(String.format(Locale.ROOT,
                            "task '%s' checkpoint %s: tensor '%s' element %d (index %s) is %s; fusion needs finite weights:"
                                    + " the probe fine-tune diverged, re-run it (e.g. with a lower learning rate) or leave the task out",
                            taskName, windows.source(task).path(), tensor.name(), w + i, index(tensor.shape(), w + i), v));
                }
            }
        }
        return new FusionInputException("task '" + taskName + "' checkpoint " + windows.source(task).path() + ": tensor '"
                + tensor.name() + "' has a non-finite sum of squares; fusion needs finite weights");
    }

    /** The row-major multi-index of a flat element index. */
    private static String index(long[] shape, long flat) {
        List<Long> idx = new ArrayList<>();
        for (int d = shape.length - 1; d >= 0; d--) {
            idx.addFirst(shape[d] == 0 ? 0 : flat % shape[d]);
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return idx.toString();
    }
}
