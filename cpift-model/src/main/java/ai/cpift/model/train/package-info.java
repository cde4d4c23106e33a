/**
 * Supervised fine-tuning with frozen elements: {@link ai.cpift.model.train.TrainParams} (the
 * hyper-parameters and why their defaults), {@link ai.cpift.model.train.TrainLoop} (one optimizer
 * step: response-only loss, gradient accumulation, masking, global-norm clipping,
 * {@link ai.cpift.model.train.AdamW}, restoring {@link ai.cpift.model.train.FreezeMask}), and
 * {@link ai.cpift.model.train.SftTrainer} (files to files: checks, resumable checkpoints, the saved
 * model and {@code training.json}).
 */
package ai.cpift.model.train;
