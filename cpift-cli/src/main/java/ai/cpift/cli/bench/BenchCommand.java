package ai.cpift.cli.bench;

import picocli.CommandLine.Command;

/**
 * {@code cpift bench ...}: each subcommand generates its own data, measures the figure and the
 * limit it is compared with in the same run, and prints both (with {@code --json}, one JSON
 * object as the last line of standard output; logs go to standard error).
 */
@Command(name = "bench", description = "Measure a stage against its performance target.",
        subcommands = {FuseBench.class, FuseBenchChild.class})
public final class BenchCommand {
}
