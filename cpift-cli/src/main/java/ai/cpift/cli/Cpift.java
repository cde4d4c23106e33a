package ai.cpift.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cpift} command: every stage of CPI-FT on local files. */
@Command(name = "cpift", mixinStandardHelpOptions = true, versionProvider = Cpift.Version.class,
        description = "Core Parameter Isolation Fine-Tuning (arXiv 2508.21741) on local checkpoints.",
        subcommands = {
                CommandLine.HelpCommand.class,
                MaskCommand.class,
                ai.cpift.cli.cluster.ClusterCommand.class,
                FuseCommand.class,
                CheckpointCommand.class,
                ai.cpift.cli.model.ModelCommand.class,
                ai.cpift.cli.model.LogitsCommand.class,
                ai.cpift.cli.train.TrainCommand.class,
                ai.cpift.cli.train.EvalCommand.class,
                ai.cpift.cli.data.DataCommand.class,
                ai.cpift.cli.run.RunCommand.class,
                ai.cpift.cli.bench.BenchCommand.class,
                ai.cpift.cli.stack.StackCommand.class,
                ai.cpift.cli.submit.SubmitCommand.class,
                ai.cpift.cli.status.StatusCommand.class,
                ai.cpift.cli.audit.AuditCommand.class,
                ai.cpift.cli.demo.DemoCommand.class,
                ai.cpift.cli.demo.ServeCommand.class,
        })
public final class Cpift {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Cpift());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cpift.class.getPackage().getImplementationVersion();
            return new String[]{"cpift " + (v == null ? "(development build)" : v)};
        }
    }
}
