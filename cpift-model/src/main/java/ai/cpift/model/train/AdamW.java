package ai.cpift.model.train;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.SafetensorsFile;
import ai.cpift.core.safetensors.SafetensorsFormatException;
import ai.cpift.core.safetensors.SafetensorsWriter;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.safetensors.TensorSpec;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter 2019) as {@code torch.optim.AdamW} computes it, with moments this
 * class owns so that a checkpoint can hold them. Each parameter is updated by libtorch's fused
 * kernel behind DJL's {@code adamUpdate}, which computes, on a copy {@code g} of the gradient,
 * <pre>
 *   g  = g × rescale                  (here: the gradient-clipping factor)
 *   w -= w × lr × wd                  (decoupled weight decay, adamw = true)
 *   m  = β1·m + (1-β1)·g
 *   v  = β2·v + (1-β2)·g²
 *   w -= m × lrBc / (√v + ε')
 * </pre>
 * and then zeroes the parameter's gradient. PyTorch's bias-corrected step
 * {@code lr·(m/(1-β1^t)) / (√(v/(1-β2^t)) + ε)} is the same quantity with
 * {@code lrBc = lr·√(1-β2^t)/(1-β1^t)} and {@code ε' = ε·√(1-β2^t)}, which is what is passed (DJL's
 * own {@code AdamW} adds ε to the uncorrected √v instead). 1-D parameters (norm scales, biases) get
 * no weight decay, see {@link TrainParams#weightDecay}. Autograd must be off while stepping.
 */
public final class AdamW implements AutoCloseable {
    static final String EXP_AVG = ".exp_avg";
    static final String EXP_AVG_SQ = ".exp_avg_sq";
    static final String STEP_KEY = "step";

    private final NDManager manager;
    private final Map<String, Parameter> params;
    private final Map<String, NDArray> exp = new LinkedHashMap<>();
    private final Map<String, NDArray> expSq = new LinkedHashMap<>();
    private final float beta1;
    private final float beta2;
    private final double eps;
    private final double weightDecay;
    private long t;

    /** Zero moments for every parameter, in a sub-manager of {@code parent}. */
    public AdamW(Map<String, Parameter> params, TrainParams p, NDManager parent) {
        this.manager = parent.newSubManager();
        this.params = params;
        this.beta1 = (float) p.beta1();
        this.beta2 = (float) p.beta2();
        this.eps = p.eps();
        this.weightDecay = p.weightDecay();
        params.forEach((name, param) -> {
            NDArray w = param.getArray();
            exp.put(name, manager.zeros(w.getShape(), DataType.FLOAT32));
            expSq.put(name, manager.zeros(w.getShape(), DataType.FLOAT32));
        });
    }

    /** Steps taken: t of the bias correction. */
    public long stepCount() {
        return t;
    }

    /** The weight decay applied to a parameter: none for 1-D ones. */
    public double decayOf(String name) {
        return params.get(name).getArray().getShape().dimension() >= 2 ? weightDecay : 0;
    }

    /**
     * One update of every parameter from its current gradient.
     *
     * @param lr      this step's learning rate
     * @param rescale multiplies every gradient first (1, or the clipping factor)
     * @param each    called after each parameter's update with its name and weight (to restore frozen elements)
     */
    public void step(double lr, double rescale, java.util.function.BiConsumer<String, NDArray> each) {
        t++;
        double bc1 = 1 - StrictMath.pow(beta1, t);
        double bc2 = 1 - StrictMath.pow(beta2, t);
        float lrBc = (float) (lr * StrictMath.sqrt(bc2) / bc1);
        float epsHat = (float) (eps * StrictMath.sqrt(bc2));
        for (var e : params.entrySet()) {
            String name = e.getKey();
            NDArray w = e.getValue().getArray();
            try (NDArray g = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, exp.get(name), expSq.get(name)), new NDList(w), (float) lr, lrBc,
                        (float) decayOf(name), (float) rescale, -1f, beta1, beta2, epsHat, false, true);
            }
            each.accept(name, w);
        }
    }

    /** The moments of a parameter, {@code [exp_avg, exp_avg_sq]} (views of the state, do not close). */
    public NDArray[] moments(String name) {
        return new NDArray[]{exp.get(name), expSq.get(name)};
    }

    /**
     * Writes the moments and the step count as one safetensors file: per parameter
     * {@code <name>.exp_avg} and {@code <name>.exp_avg_sq} (PyTorch's state names), F32, and
     * {@code "step"} in the metadata.
     */
    public void save(Path file) throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        for (String name : params.keySet()) {
            long[] shape = exp.get(name).getShape().getShape();
            specs.add(new TensorSpec(name + EXP_AVG, DType.F32, shape));
            specs.add(new TensorSpec(name + EXP_AVG_SQ, DType.F32, shape));
        }
        try (SafetensorsWriter w = SafetensorsWriter.create(file, specs, Map.of(STEP_KEY, Long.toString(t), "format", "pt"))) {
            for (String name : params.keySet()) {
                TensorIo.write(exp.get(name), DType.F32, w.tensor(name + EXP_AVG));
                TensorIo.write(expSq.get(name), DType.F32, w.tensor(name + EXP_AVG_SQ));
            }
            w.commit();
        }
    }

    /** Reads what {@link #save} wrote into this optimizer's moments, in place. */
    public void load(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            String step = f.metadata().get(STEP_KEY);
            if (step == null) {
                throw new SafetensorsFormatException(file, "has no \"step\" in its metadata: not an optimizer state this trainer wrote");
            }
            for (String name : params.keySet()) {
                TensorInfo a = f.tensor(name + EXP_AVG);
                TensorInfo b = f.tensor(name + EXP_AVG_SQ);
                TensorIo.read(f.data(a), a, exp.get(name));
                TensorIo.read(f.data(b), b, expSq.get(name));
            }
            t = Long.parseLong(step);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
