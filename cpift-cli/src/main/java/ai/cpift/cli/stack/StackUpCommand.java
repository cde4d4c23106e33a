package ai.cpift.cli.stack;

import ai.cpift.local.LocalStack;
import ai.cpift.local.StackEndpoints;
import ai.cpift.local.StackPorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cpift stack up}: starts what is not running, waits until both answer, leaves them running. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the local stack (or check it, if it runs) and print its endpoints.",
                "The servers keep running after this command ends; stop them with: cpift stack down."})
public final class StackUpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StackHome home;

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka's port. Default: the last one used, else 19092.")
    Integer kafkaPort;

    @Option(names = "--controller-port", paramLabel = "PORT", description = "The KRaft controller's port. Default: the last one used, else 19093.")
    Integer controllerPort;

    @Option(names = "--s3-port", paramLabel = "PORT", description = "The S3 server's port. Default: the last one used, else 19000.")
    Integer s3Port;

    @Override
    public Integer call() throws Exception {
        Path root = home.root();
        LocalStack stack = LocalStack.at(root);
        if (kafkaPort != null || controllerPort != null || s3Port != null) {
            StackPorts p = stack.ports();
            stack = stack.withPorts(new StackPorts(kafkaPort != null ? kafkaPort : p.kafka(),
                    controllerPort != null ? controllerPort : p.controller(), s3Port != null ? s3Port : p.s3()));
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean wasRunning = stack.status().allRunning();
        StackEndpoints e = stack.up();
        out.println((wasRunning ? "already running" : "started") + ": stack under " + root);
        out.println("  kafka  " + e.kafkaBootstrap());
        out.println("  s3     " + e.s3Endpoint() + "  bucket " + e.bucket() + ", access key " + e.accessKey());
        out.println("  keys and endpoints: " + root.resolve(StackEndpoints.FILE_NAME) + " (owner-only)");
        out.println("  logs: " + root.resolve("run"));
        return 0;
    }
}
