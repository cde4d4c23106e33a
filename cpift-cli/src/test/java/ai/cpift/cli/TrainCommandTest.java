package ai.cpift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cpift train} and {@code cpift eval} end to end on a tiny model and a toy task. */
class TrainCommandTest {
    @TempDir
    Path dir;

    Path model() {
        Path m = dir.resolve("base");
        CliRun init = CliRun.of("model", "init", "--out", m.toString(), "--hidden", "64", "--layers", "2", "--heads", "4",
                "--kv-heads", "2", "--seed", "1");
        assertEquals(0, init.exit(), init.err());
        return m;
    }

    /** "a" → "b", ..., "z" → "a". */
    Path nextLetter() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            lines.add(json.createObjectNode().put("prompt", String.valueOf(c)).put("response", String.valueOf(c == 'z' ? 'a' : (char) (c + 1)))
                    .toString());
        }
        return Files.write(dir.resolve("next.jsonl"), lines);
    }

    @Test
    void trainsThenEvaluatesWithJsonOnTheLastLine() throws Exception {
        Path base = model();
        Path data = nextLetter();
        Path out = dir.resolve("out");
        CliRun train = CliRun.of("train", "--model", base.toString(), "--data", data.toString(), "--steps", "150", "--out", out.toString(),
                "--lr", "3e-3", "--warmup", "10", "--batch-size", "26", "--log-every", "50", "--checkpoint-every", "100",
                "--threads", "1", "--eval", data.toString(), "--json");
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.err().contains("step 50/150  loss"), train.err());
        assertTrue(train.err().contains("checkpoint " + out.resolve("checkpoints").resolve("step-000100")), train.err());
        assertTrue(train.out().contains("eval " + data + ": exact match 26/26 (100.0 %)"), train.out());
        JsonNode summary = new ObjectMapper().readTree(train.lastLine());
        assertEquals(150, summary.path("steps").asInt());
        assertEquals(26, summary.path("data").get(0).path("examples").asInt());
        assertEquals(summary.toString(), new ObjectMapper().readTree(out.resolve("training.json").toFile()).toString());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("tokenizer.json")));
        assertFalse(Files.exists(out.resolve("checkpoints")));

        CliRun eval = CliRun.of("eval", "--model", out.toString(), "--data", data.toString(), "--json", "--threads", "1");
        assertEquals(0, eval.exit(), eval.err());
        JsonNode r = new ObjectMapper().readTree(eval.lastLine());
        assertEquals(out.toString(), r.path("model").asText());
        JsonNode first = r.path("results").get(0);
        assertEquals(data.toString(), first.path("dataset").asText());
        assertEquals(26, first.path("examples").asInt());
        assertEquals(26, first.path("exact_matches").asInt());
        assertEquals(1.0, first.path("exact_match").asDouble());
        assertTrue(first.path("mean_loss").asDouble() < 0.05, first.toString());
        assertEquals(52, first.path("loss_tokens").asInt()); // one letter and the eos per example
        assertEquals(64, first.path("sha256").asText().length());
        assertEquals(0, first.path("misses").size());
        assertTrue(eval.out().contains(data + ": 26 examples, exact match 26/26 (100.0 %)"), eval.out());

        CliRun again = CliRun.of("train", "--model", base.toString(), "--data", data.toString(), "--steps", "150", "--out", out.toString(),
                "--lr", "3e-3", "--warmup", "10", "--batch-size", "26", "--log-every", "50", "--checkpoint-every", "100",
                "--threads", "1", "--eval", data.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("already trained " + out), again.out());
    }

    @Test
    void aBadLineStopsTheRunWithItsPlaceAndWritesNothing() throws Exception {
        Path base = model();
        Path data = Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\": \"a\", \"response\": \"b\"}\n"
                + "{\"prompt\": \"b\", \"response\": \"c\"}\n{\"prompt\": \"c\", \"reply\": \"d\"}\n");
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("train", "--model", base.toString(), "--data", data.toString(), "--steps", "5", "--out", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("cpift train: dataset " + data + " line 3: field 'response' "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(out), "--out was created");

        Path eval = Files.writeString(dir.resolve("eval.jsonl"), "{\"prompt\": \"a\", \"response\": \"b\"}\nnot json\n");
        r = CliRun.of("train", "--model", base.toString(), "--data", dir.resolve("bad.jsonl").getParent().resolve("missing.jsonl").toString(),
                "--steps", "5", "--out", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("missing.jsonl: not found"), r.err());
        r = CliRun.of("eval", "--model", base.toString(), "--data", eval.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("cpift eval: dataset " + eval + " line 2 column 1: malformed JSON"), r.err());
        r = CliRun.of("train", "--model", base.toString(), "--data", dir.resolve("eval.jsonl").toString(), "--steps", "5",
                "--out", out.toString(), "--accumulate", "3");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("accumulate 3 must be at least 1 and divide the batch size 16"), r.err());
        assertFalse(Files.exists(out), "--out was created");
    }
}
