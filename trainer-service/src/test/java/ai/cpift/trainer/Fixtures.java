package ai.cpift.trainer;

import ai.cpift.core.safetensors.DType;
import ai.cpift.events.Artifact;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.ModelRef;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Training;
import ai.cpift.model.init.CharVocabulary;
import ai.cpift.model.init.InitOptions;
import ai.cpift.model.init.ModelInit;
import ai.cpift.model.llama.LlamaConfig;
import ai.cpift.platform.store.ObjectStore;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Tiny models, toy letter tasks and the events that carry them, uploaded to the test bucket. */
final class Fixtures {
    static final CharVocabulary VOCAB = CharVocabulary.of(CharVocabulary.DEFAULT_CHARS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A random llama: hidden 32, 2 layers, 4 query heads over 2 key/value heads, f32. */
    static Path tinyModel(Path dir, long seed) throws IOException {
        LlamaConfig arch = new LlamaConfig("llama", 32, 2, 4, 2, 8, 64, VOCAB.size(), 1e-6, 10_000, false, false, false, 0);
        ModelInit.write(dir, arch, VOCAB, new InitOptions(DType.F32, 128, seed, 0.02, false));
        return dir;
    }

    /** Letter c → the letter {@code shift} places on (a..z, wrapping): 26 prompt/response lines. */
    static Path letters(Path file, int shift) throws IOException {
        List<String> lines = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            lines.add(JSON.createObjectNode().put("prompt", String.valueOf(c))
                    .put("response", String.valueOf((char) ('a' + (c - 'a' + shift) % 26))).toString());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        return file;
    }

    static PipelineSettings settings(int probeSteps, int batch) {
        return new PipelineSettings(new Training(probeSteps, 3e-3, 0, batch), 5, 0.5, "random", 5, new Training(12, 1e-3, 0, 8), 20,
                "group", 32);
    }

    static EventMeta meta(String pipeline) {
        return new EventMeta(EventIds.random(), pipeline, null, "cpift-cli/test", Instant.now());
    }

    /** Uploads base and data and returns the task's registration. */
    static TaskRegistered registered(ObjectStore store, String pipeline, String task, Path base, Path train, Path eval,
                                     PipelineSettings settings) throws IOException {
        ModelRef b = store.putFolder(ObjectKeys.base(pipeline), base);
        Artifact t = store.putFile(ObjectKeys.trainData(pipeline, task), train);
        Artifact e = eval == null ? null : store.putFile(ObjectKeys.evalData(pipeline, task), eval);
        return new TaskRegistered(meta(pipeline), task, settings, b, t, e);
    }
}
