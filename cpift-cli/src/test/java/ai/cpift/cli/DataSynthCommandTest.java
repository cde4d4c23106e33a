package ai.cpift.cli;

import ai.cpift.model.synth.SynthTask;
import ai.cpift.model.synth.SynthTasks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cpift data synth} end to end: the files, the summary, and one clear line for each bad input. */
class DataSynthCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheTasksAndPrintsASummary() throws Exception {
        Path out = dir.resolve("synth");
        CliRun r = CliRun.of("data", "synth", "--out", out.toString(), "--seed", "4", "--train", "30", "--eval", "5",
                "--pretrain", "40", "--tasks", "count,sort_up,sort_down");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(String.format("%-10s %7d %6d  %s", "count", 30, 5, SynthTasks.COUNT.skill())), r.out());
        assertTrue(r.out().contains(String.format("%-10s %7d %6d  ", "pretrain", 40, 5)), r.out());
        assertTrue(r.out().contains("interfering pairs: sort_up/sort_down"), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("tasks.json").toFile());
        assertEquals(4, m.get("seed").asInt());
        assertEquals("[[\"sort_up\",\"sort_down\"]]", m.get("interfering_pairs").toString());
        List<String> lines = Files.readAllLines(out.resolve("sort_down/train.jsonl"));
        assertEquals(30, lines.size());
        assertTrue(lines.getFirst().matches("\\{\"prompt\":\"sort down: [a-z]{2,4}\",\"response\":\"[a-z]{2,4}\"}"), lines.getFirst());
        assertEquals(5, Files.readAllLines(out.resolve("pretrain/eval.jsonl")).size());

        // Run again into its own folder with the defaults: replaced, the six default tasks.
        r = CliRun.of("data", "synth", "--out", out.toString(), "--seed", "4", "--train", "10", "--eval", "2", "--pretrain", "10");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(out.resolve("count")));
        for (SynthTask t : SynthTasks.defaults()) {
            assertEquals(10, Files.readAllLines(out.resolve(t.name()).resolve("train.jsonl")).size(), t.name());
        }
        String help = CliRun.of("data", "synth", "--help").out();
        SynthTasks.all().forEach(t -> assertTrue(help.contains(t.name()), "help names " + t.name()));
    }

    @Test
    void badInputGetsOneClearLine() throws Exception {
        String out = dir.resolve("x").toString();
        CliRun r = CliRun.of("data", "synth", "--out", out, "--seed", "1", "--tasks", "add,multiply");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown task 'multiply'; fix: choose from add, reverse, count"), r.err());
        r = CliRun.of("data", "synth", "--out", out, "--seed", "1", "--train", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("train examples per task (--train) is 0; fix: ask for 1 to"), r.err());
        r = CliRun.of("data", "synth", "--out", out, "--seed", "1", "--tasks", "add", "--train", "2500");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("task add has 2,500 distinct prompts"), r.err());
        assertFalse(Files.exists(dir.resolve("x")));

        Path mine = Files.createDirectory(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep");
        r = CliRun.of("data", "synth", "--out", mine.toString(), "--seed", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("cpift data synth: output folder " + mine + " exists, is not empty and was not written by "
                + "cpift data synth"), r.err());
        assertEquals("keep", Files.readString(mine.resolve("notes.txt")));
    }
}
