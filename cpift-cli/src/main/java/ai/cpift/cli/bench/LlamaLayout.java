package ai.cpift.cli.bench;

import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tensor layout of a Llama-family decoder with Hugging Face names, for benchmarks that need
 * a realistic checkpoint without downloading one.
 *
 * @param vocab        vocabulary size
 * @param hidden       model width
 * @param layers       decoder blocks
 * @param heads        attention heads
 * @param kvHeads      key/value heads (grouped-query attention)
 * @param intermediate MLP width
 * @param tied         LM head shares the embedding
 */
public record LlamaLayout(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate, boolean tied) {

    /** Qwen2-0.5B's shape: 494 M parameters, the size the targets of the core issue name. */
    public static LlamaLayout halfBillion() {
        return new LlamaLayout(151_936, 896, 24, 14, 2, 4864, true);
    }

    /** TinyLlama-1.1B (Llama-2 architecture, 32 heads of 64, 4 KV heads, untied head): 1,100,048,384 elements. */
    public static final LlamaLayout TINYLLAMA_1_1B = new LlamaLayout(32_000, 2048, 22, 32, 4, 5632, false);

    /** A ~1 B layout (Llama-3.2-1B's shape: 1.24 B parameters). */
    public static LlamaLayout oneBillion() {
        return new LlamaLayout(128_256, 2048, 16, 32, 8, 8192, true);
    }

    /** Tensors in name order. */
    public List<TensorSpec> tensors(DType dtype) {
        int headDim = hidden / heads;
        int kv = kvHeads * headDim;
        List<TensorSpec> out = new ArrayList<>();
        out.add(new TensorSpec("model.embed_tokens.weight", dtype, new long[]{vocab, hidden}));
        out.add(new TensorSpec("model.norm.weight", dtype, new long[]{hidden}));
        if (!tied) {
            out.add(new TensorSpec("lm_head.weight", dtype, new long[]{vocab, hidden}));
        }
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            out.add(new TensorSpec(p + "input_layernorm.weight", dtype, new long[]{hidden}));
            out.add(new TensorSpec(p + "post_attention_layernorm.weight", dtype, new long[]{hidden}));
            out.add(new TensorSpec(p + "self_attn.q_proj.weight", dtype, new long[]{hidden, hidden}));
            out.add(new TensorSpec(p + "self_attn.k_proj.weight", dtype, new long[]{kv, hidden}));
            out.add(new TensorSpec(p + "self_attn.v_proj.weight", dtype, new long[]{kv, hidden}));
            out.add(new TensorSpec(p + "self_attn.o_proj.weight", dtype, new long[]{hidden, hidden}));
            out.add(new TensorSpec(p + "mlp.gate_proj.weight", dtype, new long[]{intermediate, hidden}));
            out.add(new TensorSpec(p + "mlp.up_proj.weight", dtype, new long[]{intermediate, hidden}));
            out.add(new TensorSpec(p + "mlp.down_proj.weight", dtype, new long[]{hidden, intermediate}));
        }
        out.sort(Comparator.comparing(TensorSpec::name));
        return out;
    }

    /** Every tensor as a mask lists it (cardinality 0), in name order. */
    public List<ai.cpift.core.mask.MaskTensor> maskTensors() {
        return tensors(DType.F32).stream().map(t -> new ai.cpift.core.mask.MaskTensor(t.name(), t.shape(), 0)).toList();
    }

    /** A short description for reports. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "vocab %d, hidden %d, %d layers, %d heads (%d kv), intermediate %d, %s",
                vocab, hidden, layers, heads, kvHeads, intermediate, tied ? "tied" : "untied");
    }

    public long parameters() {
        return tensors(DType.F32).stream().mapToLong(TensorSpec::numel).sum();
    }
}
