package ai.cpift.cli.bench;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.random.SplitMix64;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a synthetic base checkpoint and fine-tunes of it, quickly and reproducibly. Base weights
 * are uniform in ±0.04; a fine-tune adds small noise whose scale differs per tensor and per task,
 * with rare 20× spikes, so that the core regions are neither uniform nor trivial.
 */
public final class SyntheticCheckpoints {
    private SyntheticCheckpoints() {
    }

    /**
     * Writes one checkpoint: the base when {@code task} is negative, else fine-tune number {@code task}.
     */
    public static void write(Path out, List<TensorSpec> specs, int task, int threads) throws IOException {
        try (CheckpointWriter w = CheckpointWriter.create(out, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = specs.stream().<Future<?>>map(s -> pool.submit(() -> fill(w.tensor(s.name()), s, task))).toList();
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new IOException("generating " + out + " failed", e);
            } finally {
                pool.shutdownNow();
            }
            w.commit();
        }
    }

    private static void fill(MemorySegment seg, TensorSpec s, int task) {
        long n = s.numel();
        long seed = s.name().hashCode() * 0x9E3779B97F4A7C15L;
        long taskSeed = seed ^ (0xD1B54A32D192ED03L * (task + 1));
        float scale = 1e-4f * (1 + Math.floorMod(s.name().hashCode() + 31 * task, 7));
        float[] buf = new float[8192];
        for (long p = 0; p < n; p += buf.length) {
            int len = (int) Math.min(buf.length, n - p);
            for (int i = 0; i < len; i++) {
                seed = mix(seed);
                float base = ((seed >>> 40) / (float) (1 << 24) - 0.5f) * 0.08f;
                if (task >= 0) {
                    taskSeed = mix(taskSeed);
                    float noise = ((taskSeed >>> 40) / (float) (1 << 24) - 0.5f) * scale;
                    base += (taskSeed & 0xFF) == 0 ? 20 * noise : noise;
                }
                buf[i] = base;
            }
            FloatCodec.encode(s.dtype(), buf, 0, len, seg, p);
        }
    }

    /** SplitMix64's step: fast, well mixed, reproducible. */
    static long mix(long z) {
        return SplitMix64.mix(z + 0x9E3779B97F4A7C15L);
    }
}
