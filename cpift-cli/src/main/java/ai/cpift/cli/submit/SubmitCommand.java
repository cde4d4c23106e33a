package ai.cpift.cli.submit;

import ai.cpift.cli.connect.Endpoints;
import ai.cpift.cli.connect.StackOptions;
import ai.cpift.events.Artifact;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.ModelRef;
import ai.cpift.events.Names;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.Topics;
import ai.cpift.model.data.SftJsonlReader;
import ai.cpift.platform.kafka.EventPublisher;
import ai.cpift.platform.kafka.TopicAdmin;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.platform.store.Sha256;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@code cpift submit}: registers tasks with a pipeline on a running stack (uploads, then one task-registered event each). */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Register tasks with a pipeline on a running stack: checks every dataset line and the base model,",
                "uploads the base (once per pipeline) and the datasets, and publishes one task-registered event per new task.",
                "A pipeline keeps the base and settings of its first submit; adding a task later is the same command."})
public final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, paramLabel = "P", description = "Pipeline name (created by its first submit).")
    String pipeline;

    @Option(names = "--base", paramLabel = "DIR", description = "The base model folder (Hugging Face layout). Required for a new pipeline;"
            + " for an existing one it must be the pipeline's base.")
    Path base;

    @Option(names = "--task", required = true, paramLabel = "NAME=TRAIN.jsonl[,EVAL.jsonl]", description = "A task and its data (repeatable).")
    List<String> tasks;

    @Mixin
    SettingsOptions settings;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        // Everything local is checked first: nothing is uploaded or published for a command that fails.
        Names.requirePipeline(pipeline);
        List<TaskSpec> specs = TaskSpec.parseAll(tasks);
        Map<String, String[]> dataSha = new LinkedHashMap<>();
        for (TaskSpec t : specs) {
            long n = SftJsonlReader.forEach(t.train(), e -> { });
            long m = t.eval() == null ? 0 : SftJsonlReader.forEach(t.eval(), e -> { });
            dataSha.put(t.name(), new String[]{Sha256.of(t.train()), t.eval() == null ? null : Sha256.of(t.eval())});
            err().printf("task %s: %d training examples%s%n", t.name(), n, t.eval() == null ? "" : ", " + m + " evaluation examples");
        }
        Map<String, String> baseFiles = base == null ? null : BaseCheck.check(base);
        PipelineSettings newSettings = settings.forNewPipeline();

        Endpoints ep = stack.resolve();
        TopicAdmin.ensure(ep.kafka(), Topics.ALL);
        PipelineLog log = PipelineLog.read(ep.kafka(), pipeline);
        PipelineSettings chosen = log.exists() ? checkExisting(log, baseFiles) : newSettings;
        if (!log.exists() && base == null) {
            throw new IllegalArgumentException("pipeline " + pipeline + " is new: --base DIR is required (the model every task starts from)");
        }
        List<TaskSpec> fresh = new ArrayList<>();
        PrintWriter out = spec.commandLine().getOut();
        for (TaskSpec t : specs) {
            TaskRegistered known = log.tasks().get(t.name());
            if (known == null) {
                fresh.add(t);
                continue;
            }
            String[] sha = dataSha.get(t.name());
            if (!known.train().sha256().equals(sha[0]) || !Objects.equals(known.eval() == null ? null : known.eval().sha256(), sha[1])) {
                throw new IllegalArgumentException("task " + Names.taskId(pipeline, t.name()) + " is already registered (event "
                        + known.meta().id() + ") with other data: recorded train sha256 " + known.train().sha256()
                        + (known.eval() == null ? ", no eval" : ", eval sha256 " + known.eval().sha256()) + "; given " + t.train()
                        + " sha256 " + sha[0] + (t.eval() == null ? ", no eval" : ", " + t.eval() + " sha256 " + sha[1])
                        + "; fix: register the new data under a new task name");
            }
            StageFailed f = log.failures().get(t.name());
            out.printf("already registered %s (event %s)%s%n", known.key(), known.meta().id(),
                    f == null ? "" : "; it failed at " + f.stage() + ": " + f.reason());
        }
        if (fresh.isEmpty()) {
            return 0;
        }

        try (ObjectStore store = ObjectStore.connect(ep.store());
             EventPublisher publisher = new EventPublisher(ep.kafka(), "cpift-cli-submit")) {
            ModelRef baseRef = log.exists() ? log.first().base() : store.putFolder(ObjectKeys.base(pipeline), base);
            if (!log.exists()) {
                out.printf("base %s: %d files in %s%n", base, baseRef.files().size(), baseRef.prefix());
            }
            String source = source();
            for (TaskSpec t : fresh) {
                Artifact train = store.putFile(ObjectKeys.trainData(pipeline, t.name()), t.train());
                Artifact eval = t.eval() == null ? null : store.putFile(ObjectKeys.evalData(pipeline, t.name()), t.eval());
                TaskRegistered e = new TaskRegistered(new EventMeta(EventIds.random(), pipeline, null, source, Instant.now()), t.name(),
                        chosen, baseRef, train, eval);
                publisher.publish(e);
                out.printf("registered %s (event %s)%n", e.key(), e.meta().id());
            }
        }
        return 0;
    }

    /** The settings of an existing pipeline, after checking the options and --base agree with them. */
    private PipelineSettings checkExisting(PipelineLog log, Map<String, String> baseFiles) {
        TaskRegistered first = log.first();
        List<String> conflicts = settings.conflicts(first.settings());
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("pipeline " + pipeline + " was created with other settings (event " + first.meta().id()
                    + "): " + String.join(", ", conflicts) + "; fix: omit these options to keep the pipeline's settings, or submit "
                    + "to a new pipeline name");
        }
        if (baseFiles != null) {
            Map<String, String> recorded = new LinkedHashMap<>();
            for (Artifact a : first.base().files()) {
                recorded.put(a.key().substring(first.base().prefix().length()), a.sha256());
            }
            if (!recorded.equals(baseFiles)) {
                throw new IllegalArgumentException("pipeline " + pipeline + " has base " + first.base().prefix() + " " + recorded.keySet()
                        + " (event " + first.meta().id() + "), but --base " + base + " differs: " + difference(recorded, baseFiles)
                        + "; fix: omit --base to use the pipeline's base, or submit to a new pipeline name");
            }
        }
        return first.settings();
    }

    private static String difference(Map<String, String> recorded, Map<String, String> local) {
        for (var e : recorded.entrySet()) {
            String l = local.get(e.getKey());
            if (l == null) {
                return e.getKey() + " is missing locally";
            }
            if (!l.equals(e.getValue())) {
                return e.getKey() + " has sha256 " + l + ", recorded " + e.getValue();
            }
        }
        return local.keySet().stream().filter(k -> !recorded.containsKey(k)).findFirst().map(k -> k + " is not in the pipeline's base")
                .orElse("the files differ");
    }

    /** Who submitted: {@code cpift-cli/<user>@<host>}, the events' source. */
    static String source() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "localhost");
        }
        return "cpift-cli/" + System.getProperty("user.name", "unknown") + "@" + host;
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
