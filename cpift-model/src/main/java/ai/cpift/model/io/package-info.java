/** Hugging Face checkpoint folders to and from {@link ai.cpift.model.llama.LlamaModel}, through cpift-core's safetensors code. */
package ai.cpift.model.io;
