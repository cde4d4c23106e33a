/**
 * What the PyTorch engine needs from us beyond DJL's API: grad mode per thread, and scalar operands
 * that live as long as the autograd graph that keeps them.
 */
package ai.cpift.model.engine;
