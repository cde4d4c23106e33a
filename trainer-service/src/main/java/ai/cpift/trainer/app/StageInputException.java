package ai.cpift.trainer.app;

/**
 * Why the trainer could not answer an input, in words for the user: it names the input (task or
 * pipeline, object keys), the place and the fix. Its message becomes the stage-failed reason.
 */
public class StageInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public StageInputException(String message) {
        super(message);
    }
}
