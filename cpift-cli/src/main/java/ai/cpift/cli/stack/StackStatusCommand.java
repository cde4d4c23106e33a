package ai.cpift.cli.stack;

import ai.cpift.local.ComponentStatus;
import ai.cpift.local.StackStatus;
import ai.cpift.local.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cpift stack status}: one line per server; exit 0 when both run, 3 otherwise (for scripts). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show whether Kafka and S3 run, their pids, endpoints, data size and log file.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:both run", "3:one or both are stopped"})
public final class StackStatusCommand implements Callable<Integer> {
    static final int NOT_RUNNING = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    StackHome home;

    @Override
    public Integer call() throws Exception {
        StackStatus s = LocalStack.at(home.root()).status();
        PrintWriter out = spec.commandLine().getOut();
        out.println("stack under " + s.root());
        for (ComponentStatus c : s.components()) {
            out.println("  " + c.line());
        }
        if (!s.allRunning()) {
            out.println(s.noneRunning() ? "not running: start it with cpift stack up"
                    : "partly running: cpift stack up starts what is missing");
            return NOT_RUNNING;
        }
        return 0;
    }
}
