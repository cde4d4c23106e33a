/**
 * How well a model does on an SFT dataset: mean response loss and exact-match accuracy of greedy
 * generation ({@link ai.cpift.model.eval.Evaluator}, {@link ai.cpift.model.eval.BatchGreedy}).
 */
package ai.cpift.model.eval;
