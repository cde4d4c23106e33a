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
        Process p = single(new ProcessBuilder(cmd)).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
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

        // Both later runs are fresh processes too, as a user's would be: the test JVM has run other
        // work, and its state is no part of what is being proven.
        String resumed = run(cmd, killed, dir.resolve("resumed.log"));
        assertTrue(resumed.contains("resuming from " + checkpoints.resolve("step-")), resumed);
        run(cmd, dir.resolve("straight"), dir.resolve("straight.log"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/model.safetensors")), Files.readAllBytes(killed.resolve("model.safetensors")));
    }

    /** One thread for OpenMP and MKL too, whatever the machine: bit-for-bit runs need a fixed reduction order. */
    private static ProcessBuilder single(ProcessBuilder b) {
        b.environment().put("OMP_NUM_THREADS", "1");
        b.environment().put("MKL_NUM_THREADS", "1");
        return b;
    }

    /** Runs {@code cpift train ... --out OUT} in a new JVM to the end; returns what it printed. */
    private static String run(List<String> cmd, Path out, Path log) throws Exception {
        List<String> c = new ArrayList<>(cmd.subList(0, cmd.size() - 1));
        c.add(out.toString());
        Process p = single(new ProcessBuilder(c)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cpift train did not finish in 120 s");
        String printed = Files.readString(log);
        assertEquals(0, p.exitValue(), printed);
        return printed;
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
