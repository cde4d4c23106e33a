package ai.cpift.model.init;

import ai.cpift.model.llama.LlamaConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A {@code config.json} that {@code transformers} reads as a LlamaConfig, Qwen2Config or MistralConfig. */
public final class HfConfigJson {
    private HfConfigJson() {
    }

    /** The family's usual RoPE base: 1e6 for Qwen2, 10000 (Llama-2, Mistral-7B) otherwise. */
    public static double defaultRopeTheta(String modelType) {
        return modelType.equals("qwen2") ? 1_000_000.0 : 10_000.0;
    }

    public static String architecture(String modelType) {
        return switch (modelType) {
            case "llama" -> "LlamaForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            default -> throw new IllegalArgumentException("model type '" + modelType + "' is not one of llama, qwen2, mistral");
        };
    }

    public static ObjectNode build(LlamaConfig a, CharVocabulary vocab, InitOptions o) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.putArray("architectures").add(architecture(a.modelType()));
        c.put("model_type", a.modelType())
                .put("hidden_size", a.hidden()).put("intermediate_size", a.intermediate())
                .put("num_hidden_layers", a.layers()).put("num_attention_heads", a.heads())
                .put("num_key_value_heads", a.kvHeads()).put("head_dim", a.headDim())
                .put("hidden_act", "silu").put("max_position_embeddings", o.maxPositions())
                .put("rms_norm_eps", a.rmsNormEps()).put("rope_theta", a.ropeTheta())
                .put("tie_word_embeddings", a.tied()).put("torch_dtype", o.dtype().torchName())
                .put("vocab_size", a.vocab()).put("bos_token_id", vocab.bosId()).put("eos_token_id", vocab.eosId())
                .put("pad_token_id", vocab.padId()).put("initializer_range", o.std())
                .put("attention_dropout", 0.0).put("use_cache", true);
        switch (a.modelType()) {
            case "llama" -> c.put("attention_bias", a.oBias()).put("mlp_bias", false).put("pretraining_tp", 1).putNull("rope_scaling");
            case "qwen2" -> c.put("use_sliding_window", false).putNull("sliding_window").put("max_window_layers", a.layers())
                    .putNull("rope_scaling");
            default -> c.putNull("sliding_window");
        }
        return c;
    }
}
