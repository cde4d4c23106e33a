package ai.cpift.model.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/**
 * A model the report scores.
 *
 * @param id       unique within the run, e.g. {@code fair/probe/add}
 * @param label    the row label of the report's tables
 * @param kind     base, probe, fused, consolidated, stage, multitask, multistage, sequential
 * @param path     the Hugging Face folder
 * @param training its {@code training.json}, or null for a model not trained (base given, fused)
 */
record RunModel(String id, String label, String kind, Path path, ObjectNode training) {
}
