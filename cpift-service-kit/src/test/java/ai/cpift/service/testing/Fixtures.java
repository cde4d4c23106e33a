package ai.cpift.service.testing;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.Topic;
import ai.cpift.events.Training;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.kafka.LoggedEvent;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny float32 checkpoints, pipeline settings and a reader of a service's answers, shared by the
 * services' tests (this module's test jar).
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static PipelineSettings settings(double topPercent) {
        return new PipelineSettings(new Training(10, 1e-3, 0, 4), topPercent, 0.1, "random", 7, new Training(10, 1e-3, 0, 4), 4,
                "group", 64);
    }

    public static EventMeta meta(String pipeline) {
        return new EventMeta(EventIds.random(), pipeline, null, "test", Instant.now());
    }

    /** A Hugging Face folder at {@code dir} holding {@code tensors} (name → values) with the given shapes, float32. */
    public static Path model(Path dir, Map<String, long[]> shapes, Map<String, float[]> tensors) throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        shapes.forEach((n, s) -> specs.add(new TensorSpec(n, DType.F32, s)));
        try (CheckpointWriter w = CheckpointWriter.create(dir, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES)) {
            tensors.forEach(w::writeFloats);
            w.writeConfig(new ObjectMapper().createObjectNode().put("model_type", "llama").put("torch_dtype", "float32"));
            w.commit();
        }
        return dir;
    }

    public static Map<String, long[]> shapes(Object... nameShape) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameShape.length; i += 2) {
            m.put((String) nameShape[i], (long[]) nameShape[i + 1]);
        }
        return m;
    }

    /** Collects what the service emits and finds the answers to an input by its id (the cause). */
    public static final class Answers implements AutoCloseable {
        private final EventReader reader;
        private final List<CpiftEvent> seen = new ArrayList<>();

        public Answers(KafkaSettings kafka, List<Topic<?>> topics) {
            reader = new EventReader(kafka, "test-" + EventIds.random(), topics);
        }

        /** The first answer to {@code inputId}, waiting up to {@code timeout}. */
        public CpiftEvent await(String inputId, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                List<CpiftEvent> a = answersTo(inputId);
                if (!a.isEmpty()) {
                    return a.getFirst();
                }
                for (LoggedEvent e : reader.poll(Duration.ofMillis(250))) {
                    seen.add(e.event());
                }
            }
            throw new AssertionError("no answer to " + inputId + " within " + timeout + "; seen " + seen.size() + " events");
        }

        /** Every answer to {@code inputId} read so far (read everything committed first). */
        public List<CpiftEvent> answersTo(String inputId) {
            return seen.stream().filter(e -> inputId.equals(e.meta().cause())).toList();
        }

        public void readAll() {
            reader.readToEnd().forEach(e -> seen.add(e.event()));
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    public static Path temp(String name) throws IOException {
        return Files.createTempDirectory("cpift-" + name + "-");
    }
}
