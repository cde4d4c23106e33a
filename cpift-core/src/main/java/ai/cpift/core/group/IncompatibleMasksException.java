package ai.cpift.core.group;

/**
 * Masks that cannot be compared with one another: two masks of the same task, masks of different
 * base models, or masks that disagree on a tensor's shape. The message names the mask files, the
 * conflict and the fix. It is an {@link IllegalArgumentException} because the input, not the
 * program, is at fault.
 */
public class IncompatibleMasksException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public IncompatibleMasksException(String message) {
        super(message);
    }
}
