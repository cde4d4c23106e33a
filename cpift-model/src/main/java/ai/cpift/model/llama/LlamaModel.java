package ai.cpift.model.llama;

import ai.cpift.model.engine.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Llama-family causal language model ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM},
 * {@code MistralForCausalLM}): token embedding, decoder layers, final norm and LM head, the
 * head tied to the embedding or not. A DJL block, so DJL's {@code Trainer}, gradient collector
 * and optimizers work on it; {@link #parameters()} names every parameter as Hugging Face does.
 *
 * <p>Every intermediate array belongs to the manager of the input tokens: run each step in a
 * sub-manager and close it. Batches are right-padded: with causal attention, padding at the end
 * never changes the logits of the real tokens before it, so no padding mask is needed.
 */
public final class LlamaModel extends AbstractBlock {
    private final LlamaConfig config;
    private final RotaryEmbedding rope;
    private final Parameter embedTokens;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RmsNorm norm;
    private final Parameter lmHead;

    public LlamaModel(LlamaConfig config) {
        this.config = config;
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
        embedTokens = addParameter(Params.weight("embed_tokens.weight"));
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layers." + i, new DecoderLayer(config, rope, i)));
        }
        norm = addChildBlock("norm", new RmsNorm(config.hidden(), config.rmsNormEps()));
        lmHead = config.tied() ? null : addParameter(Params.weight("lm_head.weight"));
    }

    public LlamaConfig config() {
        return config;
    }

    /**
     * Logits {@code [B, T, vocab]} of {@code tokens [B, T]} at positions 0..T-1; with
     * {@code training} the pass is recorded for gradients inside a gradient collector.
     */
    public NDArray forward(ParameterStore ps, NDArray tokens, boolean training) {
        return run(ps, tokens, null, training);
    }

    /** Inference logits {@code [B, T, vocab]} of {@code tokens [B, T]}, autograd off. */
    public NDArray logits(NDArray tokens) {
        checkTokens(tokens);
        try (NoGrad ignored = NoGrad.enter()) {
            return run(new ParameterStore(tokens.getManager(), false), tokens, null, false);
        }
    }

    /**
     * Inference logits of the next tokens {@code [B, T]} after those already in {@code cache},
     * which then holds them too: prefill with the prompt, then feed one token at a time.
     */
    public NDArray logits(NDArray tokens, KvCache cache) {
        checkTokens(tokens);
        try (NoGrad ignored = NoGrad.enter()) {
            NDArray logits = run(new ParameterStore(tokens.getManager(), false), tokens, cache, false);
            cache.advance((int) tokens.getShape().get(1));
            return logits;
        }
    }

    /** An empty KV cache whose arrays live in a sub-manager of {@code manager}. */
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, config.layers());
    }

    private NDArray run(ParameterStore ps, NDArray tokens, KvCache cache, boolean training) {
        int offset = cache == null ? 0 : cache.length();
        int length = (int) tokens.getShape().get(1);
        checkWindow(offset + length);
        Positions pos = Positions.of(tokens.getManager(), rope, offset, length);
        NDArray embed = ps.getValue(embedTokens, tokens.getDevice(), training);
        NDArray x = Embedding.embedding(tokens.toType(DataType.INT64, false), embed, SparseFormat.DENSE).singletonOrThrow(); // [B, T, hidden]
        for (DecoderLayer layer : layers) {
            x = layer.forward(ps, x, pos, cache, training);
        }
        NDArray head = lmHead == null ? embed : ps.getValue(lmHead, tokens.getDevice(), training);
        return Linear.linear(norm.forward(ps, x, training), head).singletonOrThrow(); // [B, T, vocab]
    }

    private void checkWindow(int sequence) {
        if (config.slidingWindow() > 0 && sequence > config.slidingWindow()) {
            throw new IllegalArgumentException("sequence of " + sequence + " tokens is longer than the model's sliding_window ("
                    + config.slidingWindow() + "); this decoder attends to the whole prefix, which matches sliding-window"
                    + " attention only inside the window: use sequences of at most " + config.slidingWindow() + " tokens");
        }
    }

    private void checkTokens(NDArray tokens) {
        if (tokens.getShape().dimension() != 2 || !tokens.getDataType().isInteger()) {
            throw new IllegalArgumentException("tokens must be an integer array [batch, length], got "
                    + tokens.getDataType() + " " + tokens.getShape());
        }
        long min = tokens.min().toType(DataType.INT64, false).getLong();
        long max = tokens.max().toType(DataType.INT64, false).getLong();
        if (min < 0 || max >= config.vocab()) {
            throw new IllegalArgumentException("token id " + (min < 0 ? min : max) + " is outside the vocabulary [0, "
                    + config.vocab() + ")");
        }
    }

    /**
     * Every parameter under its exact Hugging Face name, in {@code state_dict} order (the order
     * and names of {@link LlamaConfig#parameterShapes()}): what a trainer optimises, freezes and saves.
     */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", embedTokens);
        for (int i = 0; i < layers.size(); i++) {
            String prefix = "model.layers." + i + ".";
            layers.get(i).hfParameters().forEach((n, p) -> m.put(prefix + n, p));
        }
        norm.hfParameters().forEach((n, p) -> m.put("model.norm." + n, p));
        if (lmHead != null) {
            m.put("lm_head.weight", lmHead);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Gives every parameter its values, float32 arrays keyed by Hugging Face name, and marks the
     * block initialised (parameters require gradients). Call once, before any initialisation.
     */
    public void setParameters(Map<String, NDArray> arrays) {
        Map<String, long[]> expected = config.parameterShapes();
        for (var e : expected.entrySet()) {
            NDArray a = arrays.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("no array for parameter '" + e.getKey() + "'");
            }
            if (!Arrays.equals(a.getShape().getShape(), e.getValue()) || a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' must be FLOAT32 " + Arrays.toString(e.getValue())
                        + ", got " + a.getDataType() + " " + a.getShape());
            }
        }
        arrays.keySet().stream().filter(n -> !expected.containsKey(n)).findFirst().ifPresent(n -> {
            throw new IllegalArgumentException("'" + n + "' is not a parameter of this model");
        });
        Map<String, Parameter> params = parameters();
        expected.keySet().forEach(n -> params.get(n).setArray(arrays.get(n)));
        initialize(arrays.get("model.embed_tokens.weight").getManager(), DataType.FLOAT32, new Shape(1, 1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Params.shape(embedTokens, config.vocab(), config.hidden());
        Params.shape(lmHead, config.vocab(), config.hidden());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        Shape hidden = new Shape(tokens.get(0), tokens.get(1), config.hidden()); // [B, T, hidden]
        for (Block child : children.values()) {
            child.initialize(manager, dataType, hidden);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[]{new Shape(tokens.get(0), tokens.get(1), config.vocab())}; // [B, T, vocab]
    }
}
