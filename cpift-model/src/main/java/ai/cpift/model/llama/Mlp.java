package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/** The SwiGLU feed-forward block: {@code down(silu(gate(x)) * up(x))}, no biases. */
public final class Mlp extends AbstractBlock {
    private final int hidden;
    private final int intermediate;
    private final Parameter gate;
    private final Parameter up;
    private final Parameter down;

    public Mlp(int hidden, int intermediate) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        gate = addParameter(Params.weight("gate_proj.weight"));
        up = addParameter(Params.weight("up_proj.weight"));
        down = addParameter(Params.weight("down_proj.weight"));
    }

    /** {@code x [B, T, hidden]} to {@code [B, T, hidden]}. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray g = Linear.linear(x, ps.getValue(gate, x.getDevice(), training)).singletonOrThrow(); // [B, T, intermediate]
        NDArray u = Linear.linear(x, ps.getValue(up, x.getDevice(), training)).singletonOrThrow(); // [B, T, intermediate]
        NDArray silu = g.mul(Activation.sigmoid(g));
        return Linear.linear(silu.mul(u), ps.getValue(down, x.getDevice(), training)).singletonOrThrow();
    }

    /** The parameters under their Hugging Face names relative to {@code mlp}. */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        parameters.forEach(m::put);
        return m;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Params.shape(gate, intermediate, hidden);
        Params.shape(up, intermediate, hidden);
        Params.shape(down, hidden, intermediate);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
