package ai.cpift.cli;

import picocli.CommandLine.Command;

/** {@code cpift checkpoint ...}: look at checkpoint folders. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "Inspect checkpoint folders.",
        subcommands = CheckpointInspectCommand.class)
public final class CheckpointCommand {
}
