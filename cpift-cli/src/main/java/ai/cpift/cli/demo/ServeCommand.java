package ai.cpift.cli.demo;

import ai.cpift.cli.stack.StackHome;
import ai.cpift.local.LocalStack;
import ai.cpift.local.PlatformServices;
import ai.cpift.local.StackEndpoints;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The four services on this machine against the local stack, in the foreground until interrupted:
 * what {@code cpift submit} needs on a laptop. On a cluster the services run on Kubernetes instead.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the trainer, mask, cluster and fusion services here against the local stack until Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "18181", description = "HTTP port of the first service (health, "
            + "metrics); the others follow. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Compute threads of each service. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Mixin
    StackHome home;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path repo = ServiceJars.repo();
        Path root = home.root();
        ServiceJars.buildIfMissing(repo, err);
        StackEndpoints endpoints = LocalStack.at(root).up();
        PlatformServices services = new PlatformServices(repo, root, endpoints, port, Map.of("cpift.threads", Integer.toString(threads)));
        Runtime.getRuntime().addShutdownHook(new Thread(services::close, "cpift-serve-stop"));
        services.startAll(Duration.ofMinutes(3));
        DemoCommand.say(err, "trainer, mask, cluster and fusion are ready (health on ports " + port + "-" + (port + 3) + ", logs in "
                + root.resolve("logs") + "); Ctrl-C stops them");
        Thread.currentThread().join();
        return 0;
    }
}
