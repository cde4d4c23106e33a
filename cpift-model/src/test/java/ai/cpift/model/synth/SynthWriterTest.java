package ai.cpift.model.synth;

import ai.cpift.model.data.PromptResponseExample;
import ai.cpift.model.data.SftExample;
import ai.cpift.model.data.SftJsonlReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SynthWriter}: the files, their determinism, disjoint splits, and which folders it may replace. */
class SynthWriterTest {
    @TempDir
    Path dir;

    static SynthOptions small(long seed, List<SynthTask> tasks) {
        return new SynthOptions(seed, 300, 50, 300, tasks);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherData() throws IOException {
        SynthWriter.write(dir.resolve("a"), small(7, SynthTasks.defaults()));
        SynthWriter.write(dir.resolve("b"), small(7, SynthTasks.defaults()));
        SynthWriter.write(dir.resolve("c"), small(8, SynthTasks.defaults()));
        List<Path> files = files(dir.resolve("a"));
        assertEquals(files, files(dir.resolve("b")));
        assertEquals(1 + 2 * 7, files.size(), files.toString());
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f.toString());
            if (f.toString().endsWith(".jsonl")) {
                Set<String> a = prompts(dir.resolve("a").resolve(f));
                a.retainAll(prompts(dir.resolve("c").resolve(f)));
                // Two seeds share prompts by chance: add has 2 500 (300²/2 500 = 36 expected in common), the string
                // tasks 676 of two letters, drawn a third of the time (100²/676 = 15 expected); a seed that did not
                // change the draw would share all 300.
                assertTrue(a.size() < (f.startsWith("add") ? 100 : 45), f + ": seeds 7 and 8 share " + a.size() + " prompts");
            }
        }
        // A task's data does not depend on which other tasks are chosen.
        SynthWriter.write(dir.resolve("d"), small(7, List.of(SynthTasks.SHIFT_DOWN)));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/shift_down/train.jsonl")),
                Files.readAllBytes(dir.resolve("d/shift_down/train.jsonl")));
    }

    @Test
    void trainAndEvalNeverShareAPromptEvenAtCapacity() throws IOException {
        Path out = dir.resolve("full");
        SynthWriter.write(out, new SynthOptions(1, 2450, 50, 10, List.of(SynthTasks.ADD, SynthTasks.SORT_UP)));
        for (String task : List.of("add", "sort_up", "pretrain")) {
            List<SftExample> train = SftJsonlReader.readAll(out.resolve(task).resolve("train.jsonl"));
            List<SftExample> eval = SftJsonlReader.readAll(out.resolve(task).resolve("eval.jsonl"));
            assertEquals(task.equals("pretrain") ? 10 : 2450, train.size());
            assertEquals(50, eval.size());
            Set<String> trainPrompts = new HashSet<>();
            train.forEach(e -> trainPrompts.add(((PromptResponseExample) e).prompt()));
            assertEquals(train.size(), trainPrompts.size(), task + ": a prompt twice in train");
            Set<String> evalPrompts = new HashSet<>();
            eval.forEach(e -> evalPrompts.add(((PromptResponseExample) e).prompt()));
            assertEquals(eval.size(), evalPrompts.size(), task + ": a prompt twice in eval");
            evalPrompts.retainAll(trainPrompts);
            assertEquals(Set.of(), evalPrompts, task + ": eval prompts in train");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                SynthWriter.write(dir.resolve("over"), new SynthOptions(1, 2451, 50, 10, List.of(SynthTasks.ADD))));
        assertTrue(e.getMessage().contains("task add has 2,500 distinct prompts, fewer than the 2,501 asked for"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("over")));
    }

    @Test
    void evalDoesNotDependOnTheTrainSize() throws IOException {
        SynthWriter.write(dir.resolve("a"), new SynthOptions(3, 100, 40, 100, List.of(SynthTasks.REVERSE)));
        SynthWriter.write(dir.resolve("b"), new SynthOptions(3, 400, 40, 200, List.of(SynthTasks.REVERSE)));
        for (String f : List.of("reverse/eval.jsonl", "pretrain/eval.jsonl")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
    }

    @Test
    void manifestNamesTasksPairsAndDigests() throws Exception {
        Path out = dir.resolve("m");
        SynthManifest m = SynthWriter.write(out, small(5, SynthTasks.defaults()));
        JsonNode j = new ObjectMapper().readTree(out.resolve("tasks.json").toFile());
        assertEquals("cpift data synth", j.get("generator").asText());
        assertEquals(5, j.get("seed").asLong());
        assertEquals("[[\"sort_up\",\"sort_down\"],[\"shift_up\",\"shift_down\"]]", j.get("interfering_pairs").toString());
        assertEquals(6, j.get("tasks").size());
        assertEquals("[\"copy\",\"first\",\"last\",\"length\",\"double\",\"capitals\"]", j.get("pretrain").get("mixture").toString());
        List<JsonNode> entries = Stream.concat(Stream.of(j.get("tasks")).flatMap(t -> Stream.iterate(0, i -> i < t.size(), i -> i + 1)
                .map(t::get)), Stream.of(j.get("pretrain"))).toList();
        for (int i = 0; i < 6; i++) {
            assertEquals(SynthTasks.defaults().get(i).name(), entries.get(i).get("name").asText());
        }
        for (JsonNode t : entries) {
            for (String split : List.of("train", "eval")) {
                JsonNode f = t.get(split);
                assertEquals(t.get("name").asText() + "/" + split + ".jsonl", f.get("file").asText());
                byte[] bytes = Files.readAllBytes(out.resolve(f.get("file").asText()));
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), f.get("sha256").asText());
                assertEquals(f.get("examples").asInt(), new String(bytes).split("\n").length);
            }
        }
        assertEquals(m.toJson().toString(), j.toString());

        SynthWriter.write(out, small(5, List.of(SynthTasks.ADD, SynthTasks.SORT_UP, SynthTasks.COUNT)));
        j = new ObjectMapper().readTree(out.resolve("tasks.json").toFile());
        assertEquals("[]", j.get("interfering_pairs").toString());
        assertEquals(List.of(Path.of("add"), Path.of("count"), Path.of("pretrain"), Path.of("sort_up"), Path.of("tasks.json")),
                Files.list(out).map(out::relativize).sorted().toList(), "the first run's other folders are gone");
    }

    @Test
    void replacesOnlyFoldersItWrote() throws IOException {
        SynthOptions o = small(1, List.of(SynthTasks.ADD));
        Files.createDirectory(dir.resolve("empty"));
        SynthWriter.write(dir.resolve("empty"), o);

        Path file = Files.writeString(dir.resolve("file"), "x");
        assertTrue(message(file, o).contains("exists and is not a folder"));

        Path other = Files.createDirectory(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "keep me");
        assertTrue(message(other, o).contains("was not written by cpift data synth"), message(other, o));
        Files.writeString(other.resolve("tasks.json"), "{\"generator\": \"someone else\"}");
        assertTrue(message(other, o).contains("was not written by cpift data synth"));

        Path ours = dir.resolve("ours");
        SynthWriter.write(ours, o);
        Files.writeString(ours.resolve("add/notes.txt"), "keep me");
        String m = message(ours, o);
        assertTrue(m.contains("holds " + ours.resolve("add")) && m.contains("fix: choose a new --out"), m);
        assertEquals("keep me", Files.readString(ours.resolve("add/notes.txt")), "a refused folder is left as it was");
        Files.delete(ours.resolve("add/notes.txt"));
        Files.writeString(ours.resolve("results.csv"), "keep me");
        assertTrue(message(ours, o).contains("holds " + ours.resolve("results.csv")));
        assertEquals("keep me", Files.readString(other.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("empty", "file", "other", "ours"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary folder is left behind");
        }
    }

    @Test
    void optionsOutOfRangeNameTheOptionAndTheFix() {
        for (int[] bad : new int[][]{{0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {1, 1, -5}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SynthOptions(1, bad[0], bad[1], bad[2], SynthTasks.defaults()));
            assertTrue(e.getMessage().matches(".*\\(--(train|eval|pretrain)\\) is -?\\d+; fix: ask for 1 to 1,000,000"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SynthOptions(1, 1, 1, 1, List.of()));
    }

    private static String message(Path out, SynthOptions o) {
        return assertThrows(IllegalArgumentException.class, () -> SynthWriter.write(out, o)).getMessage();
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private static Set<String> prompts(Path file) throws IOException {
        Set<String> out = new HashSet<>();
        SftJsonlReader.forEach(file, e -> out.add(((PromptResponseExample) e).prompt()));
        return out;
    }
}
