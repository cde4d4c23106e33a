package ai.cpift.model.train;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same seed, same weights; a killed run resumed from its checkpoint ends bit-identical to an uninterrupted one. */
class ResumeTest {
    /** Accumulation, clipping, weight decay and a batch that straddles epochs: every piece of state a resume must restore. */
    static final TrainParams P = TrainParams.DEFAULTS.withSteps(12).withBatch(6, 2).withLr(3e-3, 3, 0.1)
            .withAdamW(0.9, 0.999, 1e-8, 0.1).withClipNorm(0.5).withSeed(42).withIntervals(1, 4);

    @TempDir
    Path dir;
    Path model;
    Path data;

    @BeforeEach
    void fixtures() throws IOException {
        model = TrainFixtures.tinyModel(dir.resolve("base"), 3);
        data = TrainFixtures.nextLetter(dir.resolve("next.jsonl"));
    }

    TrainJob job(String out, TrainParams p) {
        return TrainJob.of(model, List.of(data), List.of(), dir.resolve(out), p);
    }

    @Test
    void sameSeedSameBitsAndAResumedRunEndsWhereAStraightOneDoes() throws Exception {
        SftTrainer.run(job("a", P), TrainListener.NONE);
        SftTrainer.run(job("b", P), TrainListener.NONE);
        byte[] straight = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertArrayEquals(straight, Files.readAllBytes(dir.resolve("b/model.safetensors")), "two runs with one seed differ");
        assertFalse(Files.exists(dir.resolve("a/checkpoints")), "checkpoints are removed once the model is saved");

        // Killed after step 6: the checkpoint of step 4 is the newest; steps 5 and 6 are lost and redone.
        RuntimeException kill = new RuntimeException("killed");
        assertThrows(RuntimeException.class, () -> SftTrainer.run(job("c", P), new TrainListener() {
            @Override
            public void progress(TrainProgress p) {
                if (p.step() == 6) {
                    throw kill;
                }
            }
        }));
        Path checkpoints = dir.resolve("c/checkpoints");
        assertTrue(Files.isDirectory(checkpoints.resolve("step-000004")));
        assertFalse(Files.exists(dir.resolve("c/model.safetensors")));
        Files.createDirectories(checkpoints.resolve(".step-000008.tmp")); // what a kill during a checkpoint write leaves
        Files.writeString(checkpoints.resolve(".step-000008.tmp/model.safetensors"), "half");

        StringBuilder log = new StringBuilder();
        TrainSummary resumed = SftTrainer.run(job("c", P), new TrainListener() {
            @Override
            public void message(String line) {
                log.append(line).append('\n');
            }
        });
        assertEquals(4, resumed.resumedFrom());
        assertTrue(log.toString().contains("resuming from"), log.toString());
        assertArrayEquals(straight, Files.readAllBytes(dir.resolve("c/model.safetensors")), "the resumed run ended elsewhere");
        assertFalse(Files.exists(checkpoints));
        assertEquals(12, resumed.json().path("steps").asInt());
        assertEquals(72, resumed.json().path("examples_seen").asLong());
        assertEquals(12, resumed.json().path("loss_curve").size()); // the curve carries over the resume

        TrainSummary again = SftTrainer.run(job("c", P), TrainListener.NONE);
        assertTrue(again.alreadyComplete());
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingWhatDiffers() throws Exception {
        assertThrows(RuntimeException.class, () -> SftTrainer.run(job("d", P), new TrainListener() {
            @Override
            public void checkpointed(int step, Path d) {
                throw new RuntimeException("killed");
            }
        }));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SftTrainer.run(job("d", P.withLr(1e-3, 3, 0.1)), TrainListener.NONE));
        assertTrue(e.getMessage().contains("params.lr: 0.003 -> 0.001"), e.getMessage());
        assertTrue(e.getMessage().contains("step-000004"), e.getMessage());

        Files.writeString(dir.resolve("e-file"), "x");
        Files.createDirectories(dir.resolve("f"));
        Files.writeString(dir.resolve("f/notes.txt"), "mine");
        assertTrue(assertThrows(IOException.class, () -> SftTrainer.run(job("f", P), TrainListener.NONE))
                .getMessage().contains("holds no training run"));
    }
}
