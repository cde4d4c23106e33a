package ai.cpift.model.train;

import ai.cpift.model.data.SftBatch;
import ai.cpift.model.data.SftCollator;
import ai.cpift.model.data.TokenizedExample;
import ai.cpift.model.engine.NoGrad;
import ai.cpift.model.engine.Scalars;
import ai.cpift.model.llama.LlamaModel;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import java.util.List;
import java.util.Map;

/**
 * The optimizer step of supervised fine-tuning, on the calling thread: forward and backward of
 * each micro-batch, gradient masking of frozen elements, global-norm clipping, AdamW, restoring the
 * frozen elements. Everything a step allocates lives in one sub-manager closed at its end, so native
 * memory stays flat however many steps run. With one intra-op thread the same inputs give
 * bit-identical weights.
 */
public final class TrainLoop implements AutoCloseable {
    private final LlamaModel model;
    private final Map<String, Parameter> params;
    private final NDManager manager;
    private final TrainParams p;
    private final LrSchedule schedule;
    private final SftCollator collator;
    private final FreezeMask freeze;
    private final AdamW optimizer;

    /**
     * @param model   the model; its parameters are updated in place
     * @param manager the manager of the model's parameters (the optimizer state lives in a sub-manager)
     * @param freeze  what must not change ({@link FreezeMask#none()} for nothing)
     * @param padId   the id written into padded positions
     */
    public TrainLoop(LlamaModel model, NDManager manager, TrainParams p, FreezeMask freeze, int padId) {
        this.model = model;
        this.params = model.parameters();
        this.manager = manager;
        this.p = p;
        this.schedule = LrSchedule.of(p);
        this.collator = new SftCollator(padId, p.batchParams());
        this.freeze = freeze;
        if (p.threads() > 0) {
            Engine.getEngine("PyTorch");
            JniUtils.setNumThreads(p.threads());
        }
        try (NoGrad ignored = NoGrad.enter()) {
            params.values().forEach(param -> JniUtils.zeroGrad((PtNDArray) param.getArray()));
        }
        this.optimizer = new AdamW(params, p, manager);
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public TrainParams params() {
        return p;
    }

    /** Optimizer step {@code step} (0-based; it decides the learning rate) on {@code examples}, in order. */
    public StepResult step(int step, List<TokenizedExample> examples) {
        long start = System.nanoTime();
        double lr = schedule.at(step);
        int micro = (examples.size() + p.accumulate() - 1) / p.accumulate();
        SftBatch[] batches = new SftBatch[(examples.size() + micro - 1) / micro];
        long lossTokens = 0;
        long tokens = 0;
        for (int i = 0; i < batches.length; i++) {
            batches[i] = collator.collate(examples.subList(i * micro, Math.min(examples.size(), (i + 1) * micro)));
            lossTokens += batches[i].lossTokens();
            for (int a : batches[i].attentionMask()) {
                tokens += a;
            }
        }
        try (NDManager sm = manager.newSubManager()) {
            double lossSum = 0;
            ParameterStore ps = new ParameterStore(sm, false);
            for (SftBatch b : batches) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    Objective o = objective(sm, ps, b, lossTokens);
                    gc.backward(o.scaled());
                    lossSum += o.sum().getFloat();
                }
            }
            double loss = lossSum / lossTokens;
            try (NoGrad ignored = NoGrad.enter()) {
                double norm = maskAndNorm(sm);
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    throw new TrainingDivergedException(step, loss, norm);
                }
                double scale = p.clipNorm() > 0 && norm > p.clipNorm() ? p.clipNorm() / (norm + 1e-6) : 1.0;
                optimizer.step(lr, scale, freeze::restore);
                return new StepResult(step, loss, lr, norm, tokens, lossTokens, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** A micro-batch's summed response loss and what is back-propagated for it. */
    record Objective(NDArray sum, NDArray scaled) {
    }

    /**
     * Records the forward pass of one micro-batch (call it inside a gradient collector): the summed
     * response loss, and that sum over the step's {@code lossTokens}, the step's mean, so that the
     * micro-batches' gradients add up to the mean's. Everything lives in {@code sm}.
     */
    Objective objective(NDManager sm, ParameterStore ps, SftBatch b, long lossTokens) {
        Shape shape = new Shape(b.rows(), b.length());
        NDArray inputs = sm.create(longs(b.inputIds()), shape); // [B, T]
        NDArray labels = sm.create(longs(b.labels()), shape); // [B, T]
        NDArray mask = sm.create(floats(b.lossMask()), shape); // [B, T]
        NDArray logits = model.forward(ps, inputs, true); // [B, T, V]
        NDArray sum = ResponseLoss.sum(logits, labels, mask);
        return new Objective(sum, sum.div(Scalars.like(sum, lossTokens)));
    }

    /** Zeroes frozen elements' gradients and returns the global L2 norm of what remains. */
    private double maskAndNorm(NDManager sm) {
        NDArray squares = sm.zeros(new Shape());
        for (var e : params.entrySet()) {
            try (NDArray g = e.getValue().getArray().getGradient()) {
                g.attach(sm); // a new handle in the parameters' manager: what is computed from it must not stay there
                freeze.maskGradient(e.getKey(), g);
                squares.addi(g.norm().square());
            }
        }
        return Math.sqrt(squares.getFloat());
    }

    private static long[] longs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static float[] floats(int[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
