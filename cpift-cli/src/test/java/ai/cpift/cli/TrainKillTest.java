package ai.cpift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code cpift train} process killed with SIGKILL part-way, then run again with the same command,
 * ends with the same model bytes as an uninterrupted run.
 */
class TrainKillTest {
    @TempDir
    Path dir;

    @Test
    void aKilledRunRestartedWithTheSameCommandEndsBitIdentical() throws Exception {
        Path base = dir.resolve("base");
        assertEquals(0, CliRun.of("model", "init", "--out", base.toString(), "--hidden", "64", "--layers", "2", "--heads", "4",
                "--kv-heads", "2", "--seed", "5").exit());
        List<String> lines = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            lines.add("{\"prompt\": \"" + c + c + "\", \"response\": \"" + (char) ('a' + (c - 'a' + 3) % 26) + "\"}");
        }
        Path data = Files.write(dir.resolve("d.jsonl"), lines);
        Path killed = dir.resolve("killed");
        List<String> args = List.of("train", "--model", base.toString(), "--data", data.toString(), "--steps", "300", "--lr", "2e-3",
                "--batch-size", "8", "--weight-decay", "0.1", "--checkpoint-every", "20", "--threads", "1", "--out");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), "ai.cpift.cli.Cpift"));
        cmd.addAll(args);
        cmd.add(killed.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Path checkpoints = killed.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline && !hasCheckpointAfter(checkpoints, 40)) {
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        p.waitFor();
        assertFalse(Files.exists(killed.resolve("training.json")), "the child finished before it was killed: "
                + Files.readString(dir.resolve("child.log")));
        assertTrue(hasCheckpointAfter(checkpoints, 40), Files.readString(dir.resolve("child.log")));

        List<String> again = new ArrayList<>(args);
        again.add(killed.toString());
        CliRun resumed = CliRun.of(again.toArray(String[]::new));
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resuming from " + checkpoints.resolve("step-")), resumed.err());

        List<String> straight = new ArrayList<>(args);
        straight.add(dir.resolve("straight").toString());
        CliRun s = CliRun.of(straight.toArray(String[]::new));
        assertEquals(0, s.exit(), s.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/model.safetensors")), Files.readAllBytes(killed.resolve("model.safetensors")));
    }

    private static boolean hasCheckpointAfter(Path checkpoints, int step) throws Exception {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.matches("step-\\d+"))
                    .anyMatch(n -> Integer.parseInt(n.substring(5)) >= step);
        }
    }
}
