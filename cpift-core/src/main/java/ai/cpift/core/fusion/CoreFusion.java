package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.safetensors.TensorSpec;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CPI-FT fusion (Wang, Liang, Peng, EMNLP 2025, arXiv 2508.21741, step 4): one model from a base
 * θ0, task models θ1..θN and their core regions C1..CN.
 *
 * <h2>The math, per tensor</h2>
 * <pre>
 * m        = merge(θ1..θN, w1..wN)        SLERP merge of the whole tensors ({@link Slerp#merge}):
 *                                          acc = θ1, acc = slerp(acc, θi, wi / (w1+…+wi)), i = 2..N
 * out[e]   = m[e]                          if e is in no core
 *          = θi[e]                         if e is in Ci only
 *          = θi[e], i = argmax_i |θi[e] − θ0[e]| (float32) over the cores holding e,
 *                                          the first task in the given order on an exact tie
 * </pre>
 * Integer and bool tensors are the base's, unchanged. The task order is the SLERP order and the
 * tie order.
 *
 * <h2>Streaming</h2>
 * Tensors are read from the checkpoints with positional reads, a window of each at a time, and
 * written into the output's shards at their offsets (positional writes of a filled buffer), by
 * {@code threads} workers; nothing grows with the model or tensor size. Each floating tensor takes two passes: the Gram matrix of the N task
 * tensors (from which {@link Slerp#mergeCoefficients} gives m = Σ_j c_j θ_j), then the output.
 * BF16 tasks take SIMD kernels ({@link PairKernel}: the Vector API where
 * {@code jdk.incubator.vector} is enabled, bit-identical scalar loops otherwise).
 * NaN or infinity in a task tensor shows in its sum of squares in the first pass and stops the
 * fusion with the element named; the output folder only appears, atomically, when every tensor
 * is written.
 */
public final class CoreFusion {
    private CoreFusion() {
    }

    /**
     * Fuses the tasks into a new model folder at {@code out} (which must not exist, or be empty).
     *
     * @param base     the pre-trained checkpoint θ0; its config.json (torch_dtype updated when the output
     *                 dtype is set) and tokenizer files are copied to the output
     * @param tasks    the tasks in stage order (then by name), which is the SLERP and tie order
     * @param out      the output folder
     * @param options  output dtype, threads, shard cap, chunk size, digest checks
     * @param progress told as tensors complete
     * @throws FusionInputException when the inputs do not fit together; nothing is written then
     */
    public static FusionReport fuse(Path base, List<FusionTask> tasks, Path out, FusionOptions options, FusionProgress progress)
            throws IOException {
        return fuse(base, tasks, out, options, progress, PairKernel.best());
    }

    /** {@link #fuse} with the given BF16 kernel: tests run both. */
    static FusionReport fuse(Path base, List<FusionTask> tasks, Path out, FusionOptions options, FusionProgress progress,
                             PairKernel kernel) throws IOException {
        long t0 = System.nanoTime();
        try (FusionInputs in = FusionInputs.open(base, tasks, options)) {
            List<TensorInfo> tensors = in.base.tensors();
            List<TensorSpec> specs = new ArrayList<>();
            for (TensorInfo t : tensors) {
                specs.add(new TensorSpec(t.name(), outputDtype(t, options), t.shape()));
            }
            List<TensorFusion> report;
            try (CheckpointWriter w = CheckpointWriter.create(out, specs, options.maxShardBytes())) {
                report = new FusionScheduler(in, options, progress, kernel).run(tensors, specs, w);
                Optional<ObjectNode> config = in.base.config().map(c -> options.outputDtype().isPresent()
                        ? withDtype(c.raw(), options.outputDtype().get()) : c.raw());
                if (config.isPresent()) {
                    w.writeConfig(config.get());
                }
                w.copyAuxiliaryFiles(in.base.path());
                w.commit();
            }
            return new FusionReport(out, tasks.stream().map(FusionTask::name).toList(),
                    tasks.stream().map(FusionTask::weight).toList(), report, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    static DType outputDtype(TensorInfo t, FusionOptions options) {
        return t.dtype().isFloating() ? options.outputDtype().orElse(t.dtype()) : t.dtype();
    }

    /** config.json with the new dtype under {@code torch_dtype}, and under {@code dtype} too where newer transformers wrote it. */
    private static ObjectNode withDtype(ObjectNode raw, DType d) {
        ObjectNode copy = raw.deepCopy();
        copy.put("torch_dtype", d.torchName());
        if (copy.has("dtype")) {
            copy.put("dtype", d.torchName());
        }
        return copy;
    }
}
