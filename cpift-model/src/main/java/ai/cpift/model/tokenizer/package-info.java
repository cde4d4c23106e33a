/**
 * Tokenizers of Hugging Face model folders ({@code tokenizer.json} through DJL's bindings to the
 * Rust tokenizers library) and the writer of the character-level tokenizer of the tiny models.
 */
package ai.cpift.model.tokenizer;
