package ai.cpift.model.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What {@link SynthWriter} wrote, as {@code tasks.json}: the generator, the seed, each task's skill
 * and files (path, examples, SHA-256 of the bytes), the pre-training mixture, and the interfering
 * pairs among the tasks chosen.
 *
 * @param tasks            the benchmark tasks, in the order chosen
 * @param pretrain         the generic pre-training mixture
 * @param mixture          the names of the mixture's components
 * @param interferingPairs the pairs of {@link SynthTasks#interferingPairs()} whose tasks were both chosen
 */
public record SynthManifest(long seed, List<Entry> tasks, Entry pretrain, List<String> mixture,
                            List<List<String>> interferingPairs) {

    /** One folder: {@code name/train.jsonl} and {@code name/eval.jsonl}. */
    public record Entry(String name, String skill, SplitFile train, SplitFile eval) {
    }

    /** @param file the path relative to the output folder, with '/' */
    public record SplitFile(String file, int examples, String sha256) {
    }

    public SynthManifest {
        tasks = List.copyOf(tasks);
        mixture = List.copyOf(mixture);
        interferingPairs = interferingPairs.stream().map(List::copyOf).toList();
    }

    public ObjectNode toJson() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("generator", SynthWriter.GENERATOR).put("seed", seed);
        ArrayNode all = root.putArray("tasks");
        tasks.forEach(e -> entry(all.addObject(), e));
        entry(root.putObject("pretrain"), pretrain);
        ArrayNode names = ((ObjectNode) root.get("pretrain")).putArray("mixture");
        mixture.forEach(names::add);
        ArrayNode pairs = root.putArray("interfering_pairs");
        interferingPairs.forEach(p -> p.forEach(pairs.addArray()::add));
        return root;
    }

    private static void entry(ObjectNode o, Entry e) {
        o.put("name", e.name()).put("skill", e.skill());
        split(o.putObject("train"), e.train());
        split(o.putObject("eval"), e.eval());
    }

    private static void split(ObjectNode o, SplitFile f) {
        o.put("file", f.file()).put("examples", f.examples()).put("sha256", f.sha256());
    }
}
