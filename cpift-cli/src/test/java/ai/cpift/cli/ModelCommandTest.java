package ai.cpift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cpift model init} and {@code cpift logits} end to end, against cpift-model's golden fixture. */
class ModelCommandTest {
    /** Written by cpift-model/src/test/python/regenerate_golden.sh with the options below. */
    static final Path GOLDEN = Path.of("../cpift-model/src/test/resources/golden");
    static final String[] QWEN2_FIXTURE = {"--layers", "2", "--hidden", "32", "--intermediate", "64",
            "--vocab-chars", "abcdefghijklmnopqrstuvwxyz0123456789", "--init-std", "0.25", "--random-norms-and-biases",
            "--model-type", "qwen2", "--dtype", "f32", "--tied", "--heads", "4", "--kv-heads", "1", "--seed", "13"};

    @TempDir
    Path dir;

    @Test
    void initReproducesTheGoldenModelAndLogitsMatchPyTorch() throws Exception {
        Path out = dir.resolve("qwen2");
        String[] args = new String[QWEN2_FIXTURE.length + 3];
        args[0] = "model";
        args[1] = "init";
        args[2] = "--out=" + out;
        System.arraycopy(QWEN2_FIXTURE, 0, args, 3, QWEN2_FIXTURE.length);
        CliRun init = CliRun.of(args);
        assertEquals(0, init.exit(), init.err());
        assertTrue(init.out().contains("qwen2, 2 layers, hidden 32, 4 heads (1 kv, head_dim 8)"), init.out());
        Path golden = GOLDEN.resolve("qwen2-f32-tied-mqa");
        for (String f : new String[]{"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json"}) {
            assertArrayEquals(Files.readAllBytes(golden.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }

        JsonNode expected = new ObjectMapper().readTree(GOLDEN.resolve("qwen2-f32-tied-mqa.expected.json").toFile());
        StringBuilder tokens = new StringBuilder();
        expected.get("tokens").forEach(t -> tokens.append(tokens.isEmpty() ? "" : ",").append(t.asInt()));
        CliRun logits = CliRun.of("logits", "--model", out.toString(), "--tokens", tokens.toString());
        assertEquals(0, logits.exit(), logits.err());
        assertTrue(logits.err().contains("loaded"), logits.err());
        JsonNode rows = new ObjectMapper().readTree(logits.lastLine());
        assertEquals(expected.get("tokens").size(), rows.size());
        double max = 0;
        for (int t = 0; t < rows.size(); t++) {
            assertEquals(40, rows.get(t).size());
            for (int v = 0; v < 40; v++) {
                max = Math.max(max, Math.abs(rows.get(t).get(v).asDouble() - expected.get("logits").get(t).get(v).asDouble()));
            }
        }
        assertTrue(max <= 1e-4, "max |Δ| " + max);
    }

    @Test
    void badInputGetsOneClearLine() throws Exception {
        Path m = dir.resolve("m");
        assertEquals(0, CliRun.of("model", "init", "--out", m.toString(), "--hidden", "16", "--vocab-chars", "ab\\n").exit());
        CliRun r = CliRun.of("logits", "--model", m.toString(), "--tokens", "1,7");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("token id 7 at position 1 is outside the vocabulary of " + m + " (ids 0..6)"), r.err());
        r = CliRun.of("logits", "--model", m.toString(), "--tokens", "1,,2");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'' (item 2) is not a token id"), r.err());
        r = CliRun.of("logits", "--model", dir.resolve("nowhere").toString(), "--tokens", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("does not exist"), r.err());

        r = CliRun.of("model", "init", "--out", m.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not empty"), r.err());
        r = CliRun.of("model", "init", "--out", dir.resolve("x").toString(), "--heads", "4", "--kv-heads", "3");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("must be a multiple of num_key_value_heads"), r.err());
        r = CliRun.of("model", "init", "--out", dir.resolve("y").toString(), "--model-type", "gpt2");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'gpt2' is not one of llama, qwen2, mistral"), r.err());
        r = CliRun.of("model", "init", "--out", dir.resolve("z").toString(), "--tied", "--untied");
        assertEquals(2, r.exit());
    }
}
