package ai.cpift.cli.bench;

import ai.cpift.core.mask.MaskTensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The floating-point tensors of a Llama-family decoder, for benchmarks that need a realistic layout
 * without a checkpoint.
 *
 * @param name          what the layout is
 * @param vocab         vocabulary size
 * @param hidden        hidden size
 * @param intermediate  MLP size
 * @param layers        decoder layers
 * @param kvDim         key/value projection rows (KV heads × head size)
 */
record LlamaLayout(String name, int vocab, int hidden, int intermediate, int layers, int kvDim) {
    /** TinyLlama-1.1B (Llama-2 architecture, 32 heads of 64, 4 KV heads, untied lm_head): 201 tensors, 1,100,048,384 elements. */
    static final LlamaLayout TINYLLAMA_1_1B = new LlamaLayout("TinyLlama-1.1B", 32_000, 2048, 5632, 22, 256);

    /** Every tensor with its shape (cardinality 0), in name order, as a mask lists them. */
    List<MaskTensor> tensors() {
        List<MaskTensor> t = new ArrayList<>();
        t.add(tensor("model.embed_tokens.weight", vocab, hidden));
        t.add(tensor("lm_head.weight", vocab, hidden));
        t.add(new MaskTensor("model.norm.weight", new long[]{hidden}, 0));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            t.add(new MaskTensor(p + "input_layernorm.weight", new long[]{hidden}, 0));
            t.add(new MaskTensor(p + "post_attention_layernorm.weight", new long[]{hidden}, 0));
            t.add(tensor(p + "self_attn.q_proj.weight", hidden, hidden));
            t.add(tensor(p + "self_attn.k_proj.weight", kvDim, hidden));
            t.add(tensor(p + "self_attn.v_proj.weight", kvDim, hidden));
            t.add(tensor(p + "self_attn.o_proj.weight", hidden, hidden));
            t.add(tensor(p + "mlp.gate_proj.weight", intermediate, hidden));
            t.add(tensor(p + "mlp.up_proj.weight", intermediate, hidden));
            t.add(tensor(p + "mlp.down_proj.weight", hidden, intermediate));
        }
        t.sort(Comparator.comparing(MaskTensor::name));
        return t;
    }

    /** D: the number of elements. */
    long elements() {
        return tensors().stream().mapToLong(MaskTensor::numel).sum();
    }

    private static MaskTensor tensor(String name, long rows, long cols) {
        return new MaskTensor(name, new long[]{rows, cols}, 0);
    }
}
