/**
 * Synthetic instruction tasks for the CPI-FT benchmark: a registry of seeded generators of short
 * prompt/response pairs over lower-case letters and digits ({@link ai.cpift.model.synth.SynthTasks}),
 * two pairs of them built to interfere, a generic mixture for pre-training a tiny base model on the
 * prompt format ({@link ai.cpift.model.synth.PretrainMixture}), and a writer of disjoint train/eval
 * JSONL files that {@link ai.cpift.model.data.SftJsonlReader} reads ({@link ai.cpift.model.synth.SynthWriter}).
 */
package ai.cpift.model.synth;
