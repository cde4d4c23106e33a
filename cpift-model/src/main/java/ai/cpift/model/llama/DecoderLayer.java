package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/** One pre-norm decoder layer: {@code h = x + attn(norm(x))}, {@code out = h + mlp(norm(h))}. */
public final class DecoderLayer extends AbstractBlock {
    private final RmsNorm inputNorm;
    private final Attention attention;
    private final RmsNorm postAttentionNorm;
    private final Mlp mlp;

    public DecoderLayer(LlamaConfig c, RotaryEmbedding rope, int index) {
        // Children in Hugging Face's module order, registered under Hugging Face's names.
        attention = addChildBlock("self_attn", new Attention(c, rope, index));
        mlp = addChildBlock("mlp", new Mlp(c.hidden(), c.intermediate()));
        inputNorm = addChildBlock("input_layernorm", new RmsNorm(c.hidden(), c.rmsNormEps()));
        postAttentionNorm = addChildBlock("post_attention_layernorm", new RmsNorm(c.hidden(), c.rmsNormEps()));
    }

    /** {@code x [B, T, hidden]} to {@code [B, T, hidden]}. */
    public NDArray forward(ParameterStore ps, NDArray x, Positions pos, KvCache cache, boolean training) {
        NDArray h = x.add(attention.forward(ps, inputNorm.forward(ps, x, training), pos, cache, training));
        return h.add(mlp.forward(ps, postAttentionNorm.forward(ps, h, training), training));
    }

    /** The parameters under their Hugging Face names relative to {@code model.layers.i}. */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        attention.hfParameters().forEach((n, p) -> m.put("self_attn." + n, p));
        mlp.hfParameters().forEach((n, p) -> m.put("mlp." + n, p));
        inputNorm.hfParameters().forEach((n, p) -> m.put("input_layernorm." + n, p));
        postAttentionNorm.hfParameters().forEach((n, p) -> m.put("post_attention_layernorm." + n, p));
        return m;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Positions pos = Positions.of(x.getManager(), attention.rope(), 0, (int) x.getShape().get(1));
        return new NDList(forward(ps, x, pos, null, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
