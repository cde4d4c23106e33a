package ai.cpift.cli.model;

import picocli.CommandLine.Command;

/** {@code cpift model ...}: create model folders. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Create Llama-family model folders.",
        subcommands = ModelInitCommand.class)
public final class ModelCommand {
}
