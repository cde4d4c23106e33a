package ai.cpift.model.pipeline;

import java.io.IOException;
import java.nio.file.Path;

/** {@code data.synth}: the built-in benchmark tasks, generated once into the run's data folder. */
final class SynthData {
    private SynthData() {
    }

    static RunData prepare(PipelineConfig cfg, Path dir, PipelineListener listener) throws IOException {
        throw new UnsupportedOperationException("pending the generator");
    }
}
