package ai.cpift.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the errors a user can fix (bad files, bad arguments) into one clear line on standard
 * error and exit code 2; anything else is a bug and keeps its stack trace (exit code 1).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int USER_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        if (t instanceof NoSuchFileException n) {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + n.getFile() + ": does not exist"
                    + (n.getReason() == null ? "" : " (" + n.getReason() + ")"));
            return USER_ERROR;
        }
        if (t instanceof IOException || t instanceof IllegalArgumentException) {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + t.getMessage());
            return USER_ERROR;
        }
        if (t instanceof org.apache.kafka.common.KafkaException k) {
            // The broker did not answer in time or refused: the stack's state, not a bug of the command.
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": Kafka: " + k.getMessage()
                    + "; fix: check the broker runs (./cpift stack status) and --kafka names it");
            return USER_ERROR;
        }
        t.printStackTrace(cmd.getErr());
        return 1;
    }
}
