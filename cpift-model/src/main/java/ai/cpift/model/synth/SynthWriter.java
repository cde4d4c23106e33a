package ai.cpift.model.synth;

import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.checkpoint.CheckpointWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the synthetic datasets of one seed: {@code OUT/<task>/train.jsonl} and {@code eval.jsonl}
 * for each task, the same for {@code OUT/pretrain}, then {@code OUT/tasks.json}. Each line is
 * {@code {"prompt":...,"response":...}} with nothing else, so the same options give the same bytes.
 * Everything is drawn before anything is written and the folder appears whole (written beside it,
 * then renamed). A folder that holds only what this writer wrote is replaced; any other non-empty
 * folder is refused.
 */
public final class SynthWriter {
    public static final String GENERATOR = "cpift data synth";
    public static final String MANIFEST = "tasks.json";
    public static final String TRAIN = "train.jsonl";
    public static final String EVAL = "eval.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SynthWriter() {
    }

    public static SynthManifest write(Path out, SynthOptions o) throws IOException {
        checkReplaceable(out);
        List<SynthSplit> splits = new ArrayList<>();
        for (SynthTask t : o.tasks()) {
            splits.add(SynthSplit.draw(t, o.seed(), o.train(), o.eval()));
        }
        SynthTask mixture = PretrainMixture.task();
        SynthSplit pretrain = SynthSplit.draw(mixture, o.seed(), o.pretrain(), o.eval());

        Path target = out.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        // Not createTempDirectory: its folder is private (0700) and would stay so after the rename.
        Path temp = Files.createDirectory(target.resolveSibling("." + target.getFileName() + ".synth-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            List<SynthManifest.Entry> entries = new ArrayList<>();
            for (int i = 0; i < splits.size(); i++) {
                entries.add(writeTask(temp, o.tasks().get(i), splits.get(i)));
            }
            SynthManifest m = new SynthManifest(o.seed(), entries, writeTask(temp, mixture, pretrain),
                    PretrainMixture.components().stream().map(SynthTask::name).toList(), pairsAmong(o.tasks()));
            JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(temp.resolve(MANIFEST).toFile(), m.toJson());
            CheckpointWriter.deleteTree(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return m;
        } finally {
            CheckpointWriter.deleteTree(temp);
        }
    }

    private static SynthManifest.Entry writeTask(Path root, SynthTask task, SynthSplit split) throws IOException {
        Path dir = Files.createDirectory(root.resolve(task.name()));
        return new SynthManifest.Entry(task.name(), task.skill(), writeLines(dir, task.name(), TRAIN, split.train()),
                writeLines(dir, task.name(), EVAL, split.eval()));
    }

    private static SynthManifest.SplitFile writeLines(Path dir, String task, String file, List<SynthExample> examples)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (SynthExample e : examples) {
            String line = JSON.writeValueAsString(JSON.createObjectNode().put("prompt", e.prompt()).put("response", e.response()));
            bytes.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.write(dir.resolve(file), bytes.toByteArray());
        String sha = HexFormat.of().formatHex(CheckpointDigest.newSha256().digest(bytes.toByteArray()));
        return new SynthManifest.SplitFile(task + "/" + file, examples.size(), sha);
    }

    private static List<List<String>> pairsAmong(List<SynthTask> tasks) {
        Set<String> chosen = new HashSet<>(tasks.stream().map(SynthTask::name).toList());
        return SynthTasks.interferingPairs().stream().filter(chosen::containsAll).toList();
    }

    /**
     * Refuses an existing {@code out} unless it is an empty folder or holds exactly what a previous run
     * wrote: its {@code tasks.json} and, in the folders it names, only train and eval files.
     */
    static void checkReplaceable(Path out) throws IOException {
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("output folder " + out + " exists and is not a folder; fix: choose a new "
                    + "--out, or remove it");
        }
        List<Path> children = list(out);
        if (children.isEmpty()) {
            return;
        }
        Set<String> ours = foldersNamedBy(out);
        for (Path child : children) {
            String name = child.getFileName().toString();
            boolean owned = name.equals(MANIFEST) ? Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)
                    : ours.contains(name) && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && onlySplitFiles(child);
            if (!owned) {
                throw new IllegalArgumentException("output folder " + out + " holds " + child + ", which " + GENERATOR
                        + " did not write; fix: choose a new --out, or move that away");
            }
        }
    }

    private static Set<String> foldersNamedBy(Path out) throws IOException {
        JsonNode m = null;
        try {
            m = JSON.readTree(out.resolve(MANIFEST).toFile());
        } catch (IOException e) {
            // no readable tasks.json: not ours, reported below
        }
        if (m == null || !GENERATOR.equals(m.path("generator").asText())) {
            throw new IllegalArgumentException("output folder " + out + " exists, is not empty and was not written by "
                    + GENERATOR + " (no " + MANIFEST + " of it); fix: choose a new --out, or empty the folder");
        }
        Set<String> names = new HashSet<>();
        m.path("tasks").forEach(t -> names.add(t.path("name").asText()));
        names.add(m.path("pretrain").path("name").asText());
        return names;
    }

    private static boolean onlySplitFiles(Path dir) throws IOException {
        for (Path f : list(dir)) {
            String n = f.getFileName().toString();
            if (!(n.equals(TRAIN) || n.equals(EVAL)) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
