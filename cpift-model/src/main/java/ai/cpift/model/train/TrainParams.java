package ai.cpift.model.train;

import ai.cpift.model.data.BatchParams;

/**
 * How a supervised fine-tuning run trains. The defaults are those of a full-parameter SFT of a
 * pre-trained model (Alpaca's recipe on Hugging Face's Trainer); a model trained from scratch,
 * such as the tiny ones of the tests, wants a learning rate near 1e-3.
 *
 * @param steps           optimizer steps. Default 1000.
 * @param batchSize       examples per optimizer step. Default 16: a batch the size of Alpaca's per-device
 *                        batch, small enough for a CPU, large enough for a stable gradient.
 * @param accumulate      micro-batches per step (gradient accumulation): {@code batchSize} examples are
 *                        split into this many consecutive micro-batches whose gradients add up, so memory is
 *                        that of {@code batchSize / accumulate} examples. Must divide {@code batchSize}. The
 *                        loss of every micro-batch is divided by the response tokens of the whole step, so the
 *                        gradient is that of the step's mean loss whatever the split. Default 1.
 * @param lr              peak learning rate. Default 2e-5, Alpaca's for full fine-tuning of a 7B model.
 * @param warmupSteps     steps of linear warm-up from lr/warmup to lr. Default 30: 3 % of the default
 *                        steps, Alpaca's warmup ratio (the CLI scales it with --steps).
 * @param minLrRatio      the cosine decay after warm-up ends at {@code lr × minLrRatio} on the last step.
 *                        Default 0.1, Llama 2's floor; 0 is Hugging Face's plain cosine schedule.
 * @param beta1           AdamW's first-moment decay. Default 0.9 (PyTorch and Hugging Face).
 * @param beta2           AdamW's second-moment decay. Default 0.999 (PyTorch and Hugging Face).
 * @param eps             AdamW's epsilon, added to the bias-corrected √v as in {@code torch.optim.AdamW}.
 *                        Default 1e-8.
 * @param weightDecay     decoupled weight decay (AdamW: {@code w -= lr × wd × w}, not added to the gradient).
 *                        Applied to matrices only (embeddings, projections, LM head); never to 1-D parameters
 *                        (norm scales, biases), as Hugging Face's Trainer and nanoGPT do: decaying a norm's
 *                        scale towards 0 shrinks the layer's output rather than regularising it. Default 0, the
 *                        Hugging Face Trainer's and Alpaca's: SFT runs are short.
 * @param clipNorm        the global L2 norm of the gradient (over every trainable element; frozen elements'
 *                        gradients are zeroed first) is scaled down to this when above it. 0 turns clipping off.
 *                        Default 1.0, Hugging Face's {@code max_grad_norm}.
 * @param maxLength       input positions of a row; longer examples are cut as
 *                        {@link ai.cpift.model.data.TokenizedExample#truncated} says. Default
 *                        {@value BatchParams#DEFAULT_MAX_LENGTH}.
 * @param seed            seeds the data order (a fresh permutation each epoch); with one thread the same seed
 *                        gives bit-identical weights. Default 0.
 * @param logEvery        the listener hears about every this many steps (and the last), with the mean loss
 *                        and the speed over them. Default 10.
 * @param checkpointEvery a resumable checkpoint every this many steps and after the last; 0 for none (a
 *                        run that is stopped then starts over). Default 500.
 * @param threads         PyTorch intra-op threads for the run ({@code torch.set_num_threads}, process-wide);
 *                        0 leaves the engine's setting ({@code ai.djl.pytorch.num_threads}). Default 0. With
 *                        one thread the bits are reproducible whether the engine started with one or was
 *                        switched to one here (both gave the same weights; runs switched from two once
 *                        differed, but that was the freed-scalar defect {@link ai.cpift.model.engine.Scalars}
 *                        describes). {@code cpift train --threads} still sets the count before the engine starts.
 */
public record TrainParams(int steps, int batchSize, int accumulate, double lr, int warmupSteps, double minLrRatio,
                          double beta1, double beta2, double eps, double weightDecay, double clipNorm, int maxLength,
                          long seed, int logEvery, int checkpointEvery, int threads) {

    public static final TrainParams DEFAULTS = new TrainParams(1000, 16, 1, 2e-5, 30, 0.1, 0.9, 0.999, 1e-8, 0.0, 1.0,
            BatchParams.DEFAULT_MAX_LENGTH, 0, 10, 500, 0);

    public TrainParams {
        require(steps >= 1, "steps " + steps + " must be at least 1");
        require(batchSize >= 1, "batch size " + batchSize + " must be at least 1");
        require(accumulate >= 1 && batchSize % accumulate == 0, "accumulate " + accumulate
                + " must be at least 1 and divide the batch size " + batchSize);
        require(lr > 0 && Double.isFinite(lr), "learning rate " + lr + " must be positive");
        require(warmupSteps >= 0, "warmup steps " + warmupSteps + " must not be negative");
        require(minLrRatio >= 0 && minLrRatio <= 1, "min lr ratio " + minLrRatio + " must lie in [0, 1]");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "AdamW betas (" + beta1 + ", " + beta2 + ") must lie in [0, 1)");
        require(eps > 0 && Double.isFinite(eps), "AdamW eps " + eps + " must be positive");
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay " + weightDecay + " must not be negative");
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "gradient clip norm " + clipNorm + " must not be negative (0 turns clipping off)");
        require(maxLength >= 1, "max length " + maxLength + " must be at least 1");
        require(logEvery >= 1, "log interval " + logEvery + " must be at least 1");
        require(checkpointEvery >= 0, "checkpoint interval " + checkpointEvery + " must not be negative (0 turns checkpoints off)");
        require(threads >= 0, "threads " + threads + " must not be negative (0 keeps the engine's setting)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Examples per micro-batch. */
    public int microBatch() {
        return batchSize / accumulate;
    }

    public BatchParams batchParams() {
        return new BatchParams(maxLength, false);
    }

    public TrainParams withSteps(int v) {
        return new TrainParams(v, batchSize, accumulate, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, clipNorm,
                maxLength, seed, logEvery, checkpointEvery, threads);
    }

    public TrainParams withBatch(int size, int micro) {
        return new TrainParams(steps, size, micro, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, clipNorm,
                maxLength, seed, logEvery, checkpointEvery, threads);
    }

    public TrainParams withLr(double v, int warmup, double minRatio) {
        return new TrainParams(steps, batchSize, accumulate, v, warmup, minRatio, beta1, beta2, eps, weightDecay, clipNorm,
                maxLength, seed, logEvery, checkpointEvery, threads);
    }

    public TrainParams withAdamW(double b1, double b2, double epsilon, double decay) {
        return new TrainParams(steps, batchSize, accumulate, lr, warmupSteps, minLrRatio, b1, b2, epsilon, decay, clipNorm,
                maxLength, seed, logEvery, checkpointEvery, threads);
    }

    public TrainParams withClipNorm(double v) {
        return new TrainParams(steps, batchSize, accumulate, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, v,
                maxLength, seed, logEvery, checkpointEvery, threads);
    }

    public TrainParams withMaxLength(int v) {
        return new TrainParams(steps, batchSize, accumulate, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, clipNorm,
                v, seed, logEvery, checkpointEvery, threads);
    }

    public TrainParams withSeed(long v) {
        return new TrainParams(steps, batchSize, accumulate, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, clipNorm,
                maxLength, v, logEvery, checkpointEvery, threads);
    }

    public TrainParams withIntervals(int log, int checkpoint) {
        return new TrainParams(steps, batchSize, accumulate, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, clipNorm,
                maxLength, seed, log, checkpoint, threads);
    }

    public TrainParams withThreads(int v) {
        return new TrainParams(steps, batchSize, accumulate, lr, warmupSteps, minLrRatio, beta1, beta2, eps, weightDecay, clipNorm,
                maxLength, seed, logEvery, checkpointEvery, v);
    }
}
