package ai.cpift.core.fusion;

import java.io.IOException;

/**
 * Fusion inputs that do not fit together (a tensor missing from a task, a shape that differs, a
 * mask of another task, a NaN in a weight); the message names the input, the place and the fix.
 */
public class FusionInputException extends IOException {
    private static final long serialVersionUID = 1L;

    public FusionInputException(String message) {
        super(message);
    }
}
