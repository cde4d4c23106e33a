package ai.cpift.model.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer file that cannot be used as it is; the message names the file, the problem and the fix. */
public class TokenizerFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TokenizerFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public TokenizerFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
