/**
 * The Llama-family decoder as DJL blocks, one class per concept in dependency order:
 * {@link ai.cpift.model.llama.LlamaConfig}, {@link ai.cpift.model.llama.RmsNorm},
 * {@link ai.cpift.model.llama.RotaryEmbedding}, {@link ai.cpift.model.llama.Attention} (with
 * {@link ai.cpift.model.llama.KvCache}), {@link ai.cpift.model.llama.Mlp},
 * {@link ai.cpift.model.llama.DecoderLayer}, {@link ai.cpift.model.llama.LlamaModel}.
 *
 * <p>For a trainer: {@code LlamaModel} is a DJL {@code Block}, so {@code Model.setBlock},
 * {@code Trainer.forward}, the gradient collector and DJL's optimizers work on it unchanged;
 * {@code LlamaModel.parameters()} maps every exact Hugging Face name to its DJL
 * {@code Parameter} (freeze, read gradients, restore frozen values through it), and
 * {@code io.ModelLoader}/{@code io.ModelSaver} move it to and from Hugging Face folders.
 */
package ai.cpift.model.llama;
