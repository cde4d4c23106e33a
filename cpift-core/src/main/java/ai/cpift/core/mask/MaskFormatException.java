package ai.cpift.core.mask;

import java.io.IOException;
import java.nio.file.Path;

/** A mask file that cannot be read as it is; the message names the file, the problem and the fix. */
public class MaskFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public MaskFormatException(Path file, String problem) {
        super(file + ": mask file " + problem);
    }
}
