package ai.cpift.model.train;

import ai.cpift.model.engine.NoGrad;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on a thread other than the engine's: libtorch's grad mode is per thread and on by default
 * there, where in-place parameter updates fail unless the trainer turns it off itself (as on a
 * Quarkus worker). The run must work there and give the same bits as on the test's own thread.
 */
class WorkerThreadTest {
    @TempDir
    Path dir;

    @Test
    void trainsOnAFreshThreadWithGradModeOnAndGivesTheSameBits() throws Exception {
        Path model = TrainFixtures.tinyModel(dir.resolve("base"), 8);
        Path data = TrainFixtures.nextLetter(dir.resolve("d.jsonl"));
        TrainParams p = TrainParams.DEFAULTS.withSteps(4).withBatch(4, 1).withLr(1e-3, 0, 0.1).withAdamW(0.9, 0.999, 1e-8, 0.1)
                .withIntervals(1, 2);
        SftTrainer.run(TrainJob.of(model, List.of(data), List.of(), dir.resolve("here"), p), TrainListener.NONE);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> gradModeThere = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                gradModeThere.set(JniUtils.isGradMode());
                SftTrainer.run(TrainJob.of(model, List.of(data), List.of(), dir.resolve("there"), p), TrainListener.NONE);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        assertNull(failure.get(), () -> "training on a worker thread failed: " + failure.get());
        assertTrue(gradModeThere.get(), "a fresh thread should start with grad mode on, or this test tests nothing");
        assertArrayEquals(Files.readAllBytes(dir.resolve("here/model.safetensors")), Files.readAllBytes(dir.resolve("there/model.safetensors")));
        try (NoGrad ignored = NoGrad.enter()) {
            assertEquals(false, JniUtils.isGradMode());
        }
    }
}
