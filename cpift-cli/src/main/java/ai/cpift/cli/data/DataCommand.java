package ai.cpift.cli.data;

import picocli.CommandLine.Command;

/** {@code cpift data ...}: make datasets. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Make datasets.",
        subcommands = DataSynthCommand.class)
public final class DataCommand {
}
