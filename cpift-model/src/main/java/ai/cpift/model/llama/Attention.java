package ai.cpift.model.llama;

import ai.cpift.model.engine.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causal self-attention with RoPE and grouped-query attention: {@code heads} query heads share
 * {@code kvHeads} key/value heads, each key/value head serving {@code heads / kvHeads}
 * consecutive query heads (Hugging Face's {@code repeat_kv}).
 */
public final class Attention extends AbstractBlock {
    private final LlamaConfig c;
    private final RotaryEmbedding rope;
    private final int layer;
    private final Parameter q;
    private final Parameter k;
    private final Parameter v;
    private final Parameter o;
    private final Parameter qBias;
    private final Parameter kBias;
    private final Parameter vBias;
    private final Parameter oBias;

    public Attention(LlamaConfig c, RotaryEmbedding rope, int layer) {
        this.c = c;
        this.rope = rope;
        this.layer = layer;
        q = addParameter(Params.weight("q_proj.weight"));
        qBias = c.qkvBias() ? addParameter(Params.bias("q_proj.bias")) : null;
        k = addParameter(Params.weight("k_proj.weight"));
        kBias = c.qkvBias() ? addParameter(Params.bias("k_proj.bias")) : null;
        v = addParameter(Params.weight("v_proj.weight"));
        vBias = c.qkvBias() ? addParameter(Params.bias("v_proj.bias")) : null;
        o = addParameter(Params.weight("o_proj.weight"));
        oBias = c.oBias() ? addParameter(Params.bias("o_proj.bias")) : null;
    }

    /**
     * Attends from the new tokens {@code x [B, T, hidden]} to themselves and, when a cache is
     * given, to the tokens cached before them.
     */
    public NDArray forward(ParameterStore ps, NDArray x, Positions pos, KvCache cache, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray query = heads(linear(ps, x, q, qBias, training), b, t, c.heads()); // [B, heads, T, headDim]
        NDArray key = heads(linear(ps, x, k, kBias, training), b, t, c.kvHeads()); // [B, kvHeads, T, headDim]
        NDArray value = heads(linear(ps, x, v, vBias, training), b, t, c.kvHeads()); // [B, kvHeads, T, headDim]
        query = RotaryEmbedding.apply(query, pos.cos(), pos.sin());
        key = RotaryEmbedding.apply(key, pos.cos(), pos.sin());
        if (cache != null) {
            NDList all = cache.append(layer, key, value);
            key = all.get(0); // [B, kvHeads, S, headDim]
            value = all.get(1);
        }
        NDArray context = attend(query, key, value, pos.mask(), b, t); // [B, heads, T, headDim]
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(b, t, (long) c.heads() * c.headDim()); // [B, T, heads*headDim]
        return linear(ps, merged, o, oBias, training);
    }

    /**
     * softmax(q·kᵀ/√d + mask)·v with grouped-query attention done by folding, not copying: the
     * {@code group} query heads of a key/value head are stacked along the query axis, so one batched
     * product per key/value head serves them all and keys and values are never repeated (Hugging
     * Face's {@code repeat_kv} copies them to every query head, the whole cache at every decoding
     * step). Query head {@code h} uses key/value head {@code h / group}, as there.
     */
    private NDArray attend(NDArray query, NDArray key, NDArray value, NDArray mask, long b, long t) {
        int kvHeads = c.kvHeads();
        int group = c.groupSize();
        long s = key.getShape().get(2);
        NDArray q = query.reshape(b, kvHeads, group * t, c.headDim()); // [B, kvHeads, group*T, headDim]
        NDArray product = q.matMul(key.transpose(0, 1, 3, 2)); // [B, kvHeads, group*T, S]
        NDArray scores = product.mul(Scalars.like(product, 1.0 / Math.sqrt(c.headDim())))
                .reshape(b, kvHeads, group, t, s); // [B, kvHeads, group, T, S]
        if (mask != null) {
            scores = scores.add(mask); // [T, S] broadcast
        }
        NDArray probs = scores.softmax(4).reshape(b, kvHeads, group * t, s); // [B, kvHeads, group*T, S]
        return probs.matMul(value).reshape(b, c.heads(), t, c.headDim()); // [B, heads, T, headDim]
    }

    private static NDArray linear(ParameterStore ps, NDArray x, Parameter w, Parameter bias, boolean training) {
        NDArray weight = ps.getValue(w, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return Linear.linear(x, weight, b).singletonOrThrow();
    }

    private NDArray heads(NDArray projected, long b, long t, int n) {
        return projected.reshape(b, t, n, c.headDim()) // [B, T, n, headDim]
                .transpose(0, 2, 1, 3); // [B, n, T, headDim]
    }

    RotaryEmbedding rope() {
        return rope;
    }

    /** The parameters under their Hugging Face names relative to {@code self_attn}. */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        parameters.forEach(m::put);
        return m;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Positions pos = Positions.of(x.getManager(), rope, 0, (int) x.getShape().get(1));
        return new NDList(forward(ps, x, pos, null, training));
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        long qOut = (long) c.heads() * c.headDim();
        long kvOut = (long) c.kvHeads() * c.headDim();
        Params.shape(q, qOut, c.hidden());
        Params.shape(qBias, qOut);
        Params.shape(k, kvOut, c.hidden());
        Params.shape(kBias, kvOut);
        Params.shape(v, kvOut, c.hidden());
        Params.shape(vBias, kvOut);
        Params.shape(o, c.hidden(), qOut);
        Params.shape(oBias, c.hidden());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
