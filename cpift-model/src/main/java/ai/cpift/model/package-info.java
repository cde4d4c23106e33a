/**
 * The Llama-family decoder on DJL's PyTorch engine, SFT datasets and the trainer with frozen
 * masks. Checkpoints go through {@code cpift-core}'s safetensors IO, never DJL's (which aborts
 * the JVM on bf16).
 */
package ai.cpift.model;
