/** What the PyTorch engine needs from us beyond DJL's API (grad mode per thread). */
package ai.cpift.model.engine;
