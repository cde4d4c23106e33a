package ai.cpift.cli.stack;

import picocli.CommandLine.Command;

/** {@code cpift stack up|down|status}: the local Kafka + S3 stack on 127.0.0.1. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"The local stack: a single-node Kafka (KRaft) and an S3 server (S3Proxy), each its own JVM on 127.0.0.1.",
                "Data, logs and keys live in one folder and survive restarts; clients read the endpoints from its stack.json."},
        subcommands = {StackUpCommand.class, StackDownCommand.class, StackStatusCommand.class})
public final class StackCommand {
}
