/**
 * Supervised fine-tuning data: JSONL in the prompt/response, Alpaca and chat shapes, rendered with a
 * prompt template, tokenized with the loss on the response only, cut and padded into int-array
 * batches for next-token prediction, shuffled and sampled by seed. No NDArrays here: the trainer
 * makes them from the arrays.
 */
package ai.cpift.model.data;
