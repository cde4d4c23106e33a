/** New random model folders: seeded init, config.json and a character-level tokenizer. */
package ai.cpift.model.init;
