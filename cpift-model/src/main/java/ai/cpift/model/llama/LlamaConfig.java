package ai.cpift.model.llama;

import ai.cpift.core.checkpoint.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a Llama-family decoder (Llama, Qwen2, Mistral): everything the forward pass
 * depends on, taken from a Hugging Face {@code config.json}.
 *
 * @param modelType     llama, qwen2 or mistral (kept so a saved config stays what it was)
 * @param hidden        width of the residual stream ({@code hidden_size})
 * @param layers        number of decoder layers
 * @param heads         query heads
 * @param kvHeads       key/value heads; fewer than {@code heads} is grouped-query attention
 * @param headDim       width of one head; {@code hidden / heads} unless the config says otherwise
 * @param intermediate  width of the SwiGLU MLP
 * @param vocab         rows of the embedding and of the LM head
 * @param rmsNormEps    added to the mean square before the reciprocal square root
 * @param ropeTheta     RoPE base: 10000 for Llama-2, 500000 for Llama-3, 1e6 for Qwen2
 * @param tied          the LM head reuses the token embedding ({@code tie_word_embeddings})
 * @param qkvBias       q/k/v projections carry biases (Qwen2 always; Llama with {@code attention_bias})
 * @param oBias         the output projection carries a bias (Llama with {@code attention_bias}; never Qwen2)
 * @param slidingWindow Mistral's window, 0 when attention sees the whole prefix. The decoder
 *                      attends to the whole prefix, which equals sliding-window attention only
 *                      while the sequence fits in the window; longer sequences are refused.
 */
public record LlamaConfig(String modelType, int hidden, int layers, int heads, int kvHeads, int headDim,
                          int intermediate, int vocab, double rmsNormEps, double ropeTheta, boolean tied,
                          boolean qkvBias, boolean oBias, int slidingWindow) {

    public LlamaConfig {
        require(hidden > 0 && layers > 0 && heads > 0 && kvHeads > 0 && headDim > 0 && intermediate > 0 && vocab > 0,
                "hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, intermediate_size"
                        + " and vocab_size must all be positive");
        require(heads % kvHeads == 0, "num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads ("
                + kvHeads + ") for grouped-query attention");
        require(headDim % 2 == 0, "head_dim (" + headDim + ") must be even: RoPE rotates pairs of dimensions");
        require(rmsNormEps > 0 && ropeTheta > 0, "rms_norm_eps and rope_theta must be positive");
        require(slidingWindow >= 0, "sliding_window must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The decoder described by a checkpoint's config, refusing what this implementation would
     * compute differently (rope scaling, MLP biases, another activation) rather than guessing.
     */
    public static LlamaConfig from(ModelConfig c) {
        require(c.supported(), "model_type '" + c.modelType() + "' is not modelled; supported: " + ModelConfig.SUPPORTED_TYPES);
        JsonNode raw = c.raw();
        String act = raw.path("hidden_act").asText("silu");
        require(act.equals("silu"), "hidden_act '" + act + "' is not supported; the Llama family uses silu");
        require(raw.path("rope_scaling").isMissingNode() || raw.path("rope_scaling").isNull(),
                "rope_scaling " + raw.path("rope_scaling") + " is not supported; only plain RoPE is modelled");
        require(!raw.path("mlp_bias").asBoolean(false), "mlp_bias=true is not supported");
        boolean qwen = c.modelType().equals("qwen2");
        return new LlamaConfig(c.modelType(), c.hiddenSize(), c.layers(), c.heads(), c.kvHeads(), c.headDim(),
                c.intermediateSize(), c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.tieWordEmbeddings(),
                c.attentionBias(), !qwen && raw.path("attention_bias").asBoolean(false), c.slidingWindow());
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /**
     * Every parameter as Hugging Face names it, with its shape, in the order of the module tree
     * (the order of {@code model.state_dict()}). Linear weights are {@code [out, in]}.
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", new long[]{vocab, hidden});
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "self_attn.q_proj.weight", new long[]{(long) heads * headDim, hidden});
            if (qkvBias) {
                m.put(p + "self_attn.q_proj.bias", new long[]{(long) heads * headDim});
            }
            m.put(p + "self_attn.k_proj.weight", new long[]{(long) kvHeads * headDim, hidden});
            if (qkvBias) {
                m.put(p + "self_attn.k_proj.bias", new long[]{(long) kvHeads * headDim});
            }
            m.put(p + "self_attn.v_proj.weight", new long[]{(long) kvHeads * headDim, hidden});
            if (qkvBias) {
                m.put(p + "self_attn.v_proj.bias", new long[]{(long) kvHeads * headDim});
            }
            m.put(p + "self_attn.o_proj.weight", new long[]{hidden, (long) heads * headDim});
            if (oBias) {
                m.put(p + "self_attn.o_proj.bias", new long[]{hidden});
            }
            m.put(p + "mlp.gate_proj.weight", new long[]{intermediate, hidden});
            m.put(p + "mlp.up_proj.weight", new long[]{intermediate, hidden});
            m.put(p + "mlp.down_proj.weight", new long[]{hidden, intermediate});
            m.put(p + "input_layernorm.weight", new long[]{hidden});
            m.put(p + "post_attention_layernorm.weight", new long[]{hidden});
        }
        m.put("model.norm.weight", new long[]{hidden});
        if (!tied) {
            m.put("lm_head.weight", new long[]{vocab, hidden});
        }
        return m;
    }

    /** Number of parameters (elements), the tied head counted once. */
    public long parameterCount() {
        return parameterShapes().values().stream().mapToLong(s -> s.length == 1 ? s[0] : s[0] * s[1]).sum();
    }
}
