package ai.cpift.core.fusion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of a fusion: where the model went and, per tensor, what was merged and transplanted.
 *
 * @param output  the output model folder
 * @param tasks   the task names, in the order given (the SLERP order and the tie order)
 * @param weights the SLERP weights, in the same order
 * @param tensors one entry per tensor, in name order
 * @param elapsed wall time from opening the inputs to the committed output
 */
public record FusionReport(Path output, List<String> tasks, List<Double> weights, List<TensorFusion> tensors, Duration elapsed) {
    public FusionReport {
        tasks = List.copyOf(tasks);
        weights = List.copyOf(weights);
        tensors = List.copyOf(tensors);
    }

    /** |Ci| over the whole model. */
    public long coreElements(int task) {
        return tensors.stream().mapToLong(t -> t.coreElements().get(task)).sum();
    }

    /** Elements of the output whose value is task i's, over the whole model. */
    public long transplanted(int task) {
        return tensors.stream().mapToLong(t -> t.transplanted().get(task)).sum();
    }

    /** Elements held by two or more cores, over the whole model. */
    public long conflicts() {
        return tensors.stream().mapToLong(TensorFusion::conflicts).sum();
    }

    /** Elements of the output, floating or not. */
    public long elements() {
        return tensors.stream().mapToLong(TensorFusion::elements).sum();
    }

    /** Tensor bytes written (the weight files less their headers). */
    public long outputBytes() {
        return tensors.stream().mapToLong(TensorFusion::outputBytes).sum();
    }
}
