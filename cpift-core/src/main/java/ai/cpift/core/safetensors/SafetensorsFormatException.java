package ai.cpift.core.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file or checkpoint folder that cannot be read as it is; the message names the file, the place and the fix. */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafetensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
