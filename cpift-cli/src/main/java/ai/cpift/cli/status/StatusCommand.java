package ai.cpift.cli.status;

import ai.cpift.cli.connect.Endpoints;
import ai.cpift.cli.connect.StackOptions;
import ai.cpift.events.Names;
import ai.cpift.events.Topics;
import ai.cpift.platform.kafka.EventReader;
import ai.cpift.platform.kafka.LoggedEvent;
import ai.cpift.platform.kafka.TopicAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cpift status}: a pipeline's state rebuilt from the event log, once or followed until it is done. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a pipeline's tasks (registered, probing, fine-tuned, masked, failed) and generations (clusters formed,",
                "fused, consolidating, consolidated, with the score table), rebuilt from the event log.",
                "Exit status: 0 done, 1 done with something failed, 3 still running (at --timeout with --follow)."})
public final class StatusCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int RUNNING = 3;
    /** Plain output redraws at most this often, so a log of a long run stays readable. */
    private static final long PLAIN_REDRAW_NANOS = 5_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, paramLabel = "P", description = "The pipeline.")
    String pipeline;

    @Option(names = "--follow", description = "Keep reading and redrawing until the pipeline is done or the command is interrupted.")
    boolean follow;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "With --follow: give up after this long (e.g. 10m, 90s) with exit status 3.")
    String timeout;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        Names.requirePipeline(pipeline);
        Duration limit = timeout == null ? null : parse(timeout);
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        Endpoints ep = stack.resolve();
        TopicAdmin.ensure(ep.kafka(), Topics.ALL);
        PipelineView view = new PipelineView(pipeline);
        boolean tty = System.console() != null && System.getenv("CI") == null;
        PrintWriter out = spec.commandLine().getOut();
        try (EventReader reader = new EventReader(ep.kafka(), "cpift-cli-status", Topics.ALL)) {
            List<LoggedEvent> first = reader.readToEnd();
            first.sort(Comparator.comparingLong(LoggedEvent::timestamp).thenComparingLong(LoggedEvent::offset));
            first.forEach(view::apply);
            if (view.events() == 0 && !follow) {
                throw new IllegalArgumentException("pipeline " + pipeline + " has no events in the log at " + ep.kafka().bootstrapServers()
                        + "; fix: check the name, or register its tasks with cpift submit");
            }
            String last = draw(out, view, tty, null);
            long lastDraw = System.nanoTime();
            boolean dirty = false;
            while (follow && !view.finished()) {
                if (System.nanoTime() >= deadline) {
                    if (dirty) {
                        draw(out, view, tty, last);
                    }
                    out.println("still running after " + timeout);
                    return RUNNING;
                }
                List<LoggedEvent> more = reader.poll(Duration.ofMillis(500));
                more.forEach(view::apply);
                dirty |= !more.isEmpty();
                if (dirty && (tty || view.finished() || System.nanoTime() - lastDraw >= PLAIN_REDRAW_NANOS)) {
                    last = draw(out, view, tty, last);
                    lastDraw = System.nanoTime();
                    dirty = false;
                }
            }
        }
        return switch (view.outcome()) {
            case DONE -> 0;
            case FAILED -> FAILED;
            case RUNNING -> RUNNING;
        };
    }

    /** Prints the view unless it reads as it did last time; a terminal is cleared first, so the screen is redrawn in place. */
    private static String draw(PrintWriter out, PipelineView view, boolean tty, String previous) {
        String text = String.join("\n", StatusPrinter.lines(view));
        if (!text.equals(previous)) {
            out.print(tty && previous != null ? "\033[H\033[2J" : "");
            out.println(text);
            out.flush();
        }
        return text;
    }

    static Duration parse(String s) {
        try {
            String t = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofSeconds(Long.parseLong(t));
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--timeout '" + s + "' is not a duration; fix: write e.g. 90s, 10m or 2h");
        }
    }
}
