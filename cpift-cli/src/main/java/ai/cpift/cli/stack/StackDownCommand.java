package ai.cpift.cli.stack;

import ai.cpift.local.ComponentStatus;
import ai.cpift.local.LocalStack;
import ai.cpift.local.StackStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cpift stack down}: stops both servers; the data stays for the next {@code up}. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the local stack (SIGTERM, SIGKILL after 30 s). Topics, objects and keys are kept.")
public final class StackDownCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StackHome home;

    @Override
    public Integer call() throws Exception {
        Path root = home.root();
        LocalStack stack = LocalStack.at(root);
        StackStatus before = stack.status();
        PrintWriter out = spec.commandLine().getOut();
        if (before.noneRunning()) {
            out.println("nothing runs under " + root);
            return 0;
        }
        stack.down();
        for (ComponentStatus c : before.components()) {
            if (c.running()) {
                out.println("stopped " + c.name() + " (pid " + c.pid() + ")");
            }
        }
        return 0;
    }
}
