package ai.cpift.cli.bench;

import picocli.CommandLine.Command;

/**
 * {@code cpift bench ...}: each subcommand generates its own data, measures the figure and the
 * limit it is compared with in the same run, and prints both (with {@code --json}, one JSON
 * object as the last line of standard output; logs go to standard error). The exit status is 1
 * when the target is missed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure a stage against its performance target.",
        subcommands = {MaskBenchCommand.class, ClusterBench.class, FuseBench.class, FuseBenchChild.class, TrainBench.class})
public final class BenchCommand {
}
