package ai.cpift.cli.audit;

import ai.cpift.cli.connect.Endpoints;
import ai.cpift.cli.connect.StackOptions;
import ai.cpift.events.Names;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.TopicAdmin;
import ai.cpift.platform.store.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cpift audit}: a pipeline's lineage from the event log alone, checked for gaps and against the stored objects. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rebuild a pipeline's lineage from the event log: every event in log order with who emitted it and what caused it,",
                "every object named with its SHA-256; check that every cause is in the log, that no stage answered an event twice,",
                "and (unless --no-verify) that every stored object still matches its recorded hash.",
                "Exit status: 0 complete and intact, 1 with the list of problems."})
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, paramLabel = "P", description = "The pipeline.")
    String pipeline;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Option(names = "--no-verify", description = "Skip reading the stored objects (the log alone).")
    boolean noVerify;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        Names.requirePipeline(pipeline);
        Endpoints ep = stack.resolve();
        TopicAdmin.ensure(ep.kafka(), Topics.ALL);
        AuditReport report;
        try (EventReader reader = new EventReader(ep.kafka(), "cpift-cli-audit", Topics.LINEAGE)) {
            report = Audit.of(pipeline, reader.readToEnd());
        }
        if (report.events().isEmpty()) {
            throw new IllegalArgumentException("pipeline " + pipeline + " has no events in the log at " + ep.kafka().bootstrapServers()
                    + "; fix: check the name");
        }
        if (!noVerify) {
            try (ObjectStore store = ObjectStore.connect(ep.store())) {
                report = report.verified(store::verify);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.json().toString());
        } else {
            report.lines().forEach(out::println);
        }
        return report.intact() ? 0 : 1;
    }
}
