package ai.cpift.model.llama;

import ai.cpift.model.engine.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Root-mean-square norm over the last axis: {@code x * rsqrt(mean(x², -1) + eps) * weight}.
 * There is no mean subtraction and no bias, unlike LayerNorm. Activations are float32, so the
 * statistics are float32 as in Hugging Face's {@code LlamaRMSNorm}.
 */
public final class RmsNorm extends AbstractBlock {
    private final int size;
    private final float eps;
    private final Parameter weight;

    public RmsNorm(int size, double eps) {
        this.size = size;
        this.eps = (float) eps;
        this.weight = addParameter(Params.scale("weight"));
    }

    /** Normalises {@code x [..., size]}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        int last = x.getShape().dimension() - 1;
        NDArray meanSquare = x.square().mean(new int[]{last}, true); // [..., 1]
        return x.div(meanSquare.add(Scalars.like(meanSquare, eps)).sqrt()).mul(w);
    }

    /** The parameters under their Hugging Face leaf names. */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("weight", weight);
        return m;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Params.shape(weight, size);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
