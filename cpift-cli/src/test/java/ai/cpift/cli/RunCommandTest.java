package ai.cpift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cpift run}'s answers to a bad pipeline file: exit 2, the file, the key and the fix, nothing written. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void theShippedBenchmarkFileIsValid() throws Exception {
        // Loaded exactly as `cpift run` loads it; a key the code does not know would fail here.
        var cfg = ai.cpift.model.pipeline.PipelineConfig.load(Path.of("../examples/benchmark.yaml"));
        assertEquals(2, cfg.methods().size());
        assertEquals(java.util.List.of("sort_up", "sort_down"), cfg.baselines().pair());
    }

    @Test
    void aMissingPipelineFileIsNamed() {
        CliRun r = CliRun.of("run", "--config", dir.resolve("nope.yaml").toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("nope.yaml") && r.err().contains("pipeline file not found"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aMisspeltKeyIsNamedWithItsPlaceAndNothingIsWritten() throws Exception {
        Path cfg = dir.resolve("p.yaml");
        Files.writeString(cfg, """
                data: {synth: {train: 10, eval: 5}}
                base: {init: {layers: 1}, pretrain: {steps: 1}}
                cpift:
                  - name: a
                    consolidation: {steps: 1, data: mixd}
                """);
        CliRun r = CliRun.of("run", "--config", cfg.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'cpift[0].consolidation.data' must be one of [group, mixed], found 'mixd'"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
