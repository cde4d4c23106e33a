package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.DType;

import java.util.Optional;

/**
 * How a fusion runs. None of these change the method's result except {@code outputDtype} (the
 * rounding of the output) and {@code chunkElements} (which only regroups the partial
 * sums of the Gram matrix, so results can move by float32 rounding between chunk sizes, never
 * between thread counts, nor between JVMs with and without {@code jdk.incubator.vector}).
 *
 * @param outputDtype   the dtype of every floating tensor of the output; empty keeps each tensor's base dtype
 *                      (integer and bool tensors always keep theirs)
 * @param threads       worker threads; tensors and chunks of large tensors are processed in parallel.
 *                      Default: the available processors
 * @param maxShardBytes shard cap of the output folder; default Hugging Face's 5 GB
 * @param chunkElements elements per unit of parallel work and per streamed chunk. Default 2^20: a chunk
 *                      of work large enough to amortise scheduling, while the per-thread buffers stay
 *                      about a megabyte for three tasks whatever the tensor size (they hold one block
 *                      of at most 16 K elements)
 * @param verifyDigests check that each mask was computed from these checkpoints: the SHA-256 of the base and
 *                      of each task checkpoint against the mask header. Off by default: it reads every
 *                      weight byte once more
 */
public record FusionOptions(Optional<DType> outputDtype, int threads, long maxShardBytes, int chunkElements, boolean verifyDigests) {
    public static final int DEFAULT_CHUNK_ELEMENTS = 1 << 20;

    public FusionOptions {
        if (outputDtype.isPresent() && !outputDtype.get().isFloating()) {
            throw new IllegalArgumentException("output dtype " + outputDtype.get() + " is not floating: use one of f32, f16, bf16, f64");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("the shard size cap must be positive, got " + maxShardBytes + " bytes");
        }
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1 element, got " + chunkElements);
        }
    }

    public static FusionOptions defaults() {
        return new FusionOptions(Optional.empty(), Runtime.getRuntime().availableProcessors(),
                CheckpointWriter.DEFAULT_MAX_SHARD_BYTES, DEFAULT_CHUNK_ELEMENTS, false);
    }

    public FusionOptions withOutputDtype(DType d) {
        return new FusionOptions(Optional.ofNullable(d), threads, maxShardBytes, chunkElements, verifyDigests);
    }

    public FusionOptions withThreads(int n) {
        return new FusionOptions(outputDtype, n, maxShardBytes, chunkElements, verifyDigests);
    }

    public FusionOptions withMaxShardBytes(long b) {
        return new FusionOptions(outputDtype, threads, b, chunkElements, verifyDigests);
    }

    public FusionOptions withChunkElements(int n) {
        return new FusionOptions(outputDtype, threads, maxShardBytes, n, verifyDigests);
    }

    public FusionOptions withVerifyDigests(boolean v) {
        return new FusionOptions(outputDtype, threads, maxShardBytes, chunkElements, v);
    }
}
