package ai.cpift.cli.status;

import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.Names;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskCore;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.TrainingProgressed;
import ai.cpift.platform.kafka.LoggedEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pipeline's state rebuilt from its events alone, the way {@code cpift status} shows it. Events of other
 * pipelines are ignored, and events may come in any order across topics (phases only move forward), so the
 * view can be fed from a reader of every topic as records arrive.
 */
public final class PipelineView {
    /** The trainer's consolidation phase, e.g. {@code generation 2 stage 1/3}. */
    private static final Pattern STAGE = Pattern.compile("generation (\\d+) stage (\\d+)/(\\d+)");

    /** How a pipeline stands: still running, done, or done with something failed. */
    public enum Outcome { RUNNING, DONE, FAILED }

    private final String pipeline;
    private final Map<String, TaskStatus> tasks = new LinkedHashMap<>();
    private final TreeMap<Integer, GenerationStatus> generations = new TreeMap<>();
    /** Failures of the pipeline's own stages that no generation can be named for (a grouping that failed). */
    private final List<String> pipelineFailures = new ArrayList<>();
    /** Event id → generation, to place a failure answering a generation's event. */
    private final Map<String, Integer> generationOf = new HashMap<>();
    private int events;

    public PipelineView(String pipeline) {
        this.pipeline = Names.requirePipeline(pipeline);
    }

    public void apply(LoggedEvent e) {
        apply(e.event());
    }

    public void apply(CpiftEvent e) {
        if (!e.meta().pipeline().equals(pipeline)) {
            return;
        }
        events++;
        switch (e) {
            case TaskRegistered t -> task(t.task());
            case TaskFineTuned t -> tasks.put(t.task(), task(t.task()).withScores(t.scores()));
            case MaskComputed m -> tasks.put(m.task(), task(m.task()).withCore(m.coreElements()));
            case ClustersFormed c -> {
                generationOf.put(c.meta().id(), c.generation());
                generations.put(c.generation(), generation(c.generation()).clustered(c.tasks().stream().map(TaskCore::task).toList(),
                        c.groups()));
            }
            case ModelFused f -> {
                generationOf.put(f.meta().id(), f.generation());
                generations.put(f.generation(), generation(f.generation()).clustered(f.tasks().stream().map(TaskCore::task).toList(),
                        f.groups()).advance(GenerationStatus.FUSED));
            }
            case ModelConsolidated c -> {
                generationOf.put(c.meta().id(), c.generation());
                generations.put(c.generation(), generation(c.generation()).withScores(c.scores(), c.stages().size()));
            }
            case TrainingProgressed p -> progress(p);
            case StageFailed f -> failed(f);
        }
    }

    private void progress(TrainingProgressed p) {
        if (p.subject().startsWith(pipeline + "/")) {
            String t = p.subject().substring(pipeline.length() + 1);
            tasks.put(t, task(t).withProgress(p));
            return;
        }
        Matcher m = STAGE.matcher(p.phase());
        if (m.find()) {
            int g = Integer.parseInt(m.group(1));
            generations.put(g, generation(g).withProgress(p, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        } else if (!generations.isEmpty()) {
            // A phase this view cannot parse: it belongs to the newest generation, the only one a trainer consolidates.
            GenerationStatus last = generations.get(generations.lastKey());
            generations.put(last.generation(), last.withProgress(p, last.stage(), last.stages()));
        }
    }

    private void failed(StageFailed f) {
        String why = f.stage() + ": " + f.reason();
        if (f.task() != null) {
            tasks.put(f.task(), task(f.task()).failed(why));
            return;
        }
        Integer g = f.meta().cause() == null ? null : generationOf.get(f.meta().cause());
        if (g != null) {
            generations.put(g, generation(g).failed(why));
        } else {
            pipelineFailures.add(why);
        }
    }

    private TaskStatus task(String name) {
        return tasks.computeIfAbsent(name, TaskStatus::of);
    }

    private GenerationStatus generation(int g) {
        return generations.computeIfAbsent(g, GenerationStatus::of);
    }

    public String pipeline() {
        return pipeline;
    }

    /** How many of the pipeline's events were applied. */
    public int events() {
        return events;
    }

    public Collection<TaskStatus> tasks() {
        return tasks.values();
    }

    public Collection<GenerationStatus> generations() {
        return generations.values();
    }

    public List<String> pipelineFailures() {
        return List.copyOf(pipelineFailures);
    }

    /**
     * Nothing more will happen without a new submit: every task masked or failed, every generation known
     * consolidated or failed, and the newest generation covering every masked task (else a grouping is due),
     * unless the pipeline's grouping itself failed.
     */
    public boolean finished() {
        if (tasks.isEmpty() || !tasks.values().stream().allMatch(TaskStatus::terminal)
                || !generations.values().stream().allMatch(GenerationStatus::terminal)) {
            return false;
        }
        List<String> masked = tasks.values().stream().filter(t -> t.phase().equals(TaskStatus.MASKED)).map(TaskStatus::task).toList();
        if (masked.isEmpty() || !pipelineFailures.isEmpty()) {
            return true;
        }
        return !generations.isEmpty() && generations.get(generations.lastKey()).tasks()
                .containsAll(masked);
    }

    public boolean anyFailed() {
        return !pipelineFailures.isEmpty() || tasks.values().stream().anyMatch(t -> t.phase().equals(TaskStatus.FAILED))
                || generations.values().stream().anyMatch(g -> g.phase().equals(GenerationStatus.FAILED));
    }

    public Outcome outcome() {
        return !finished() ? Outcome.RUNNING : anyFailed() ? Outcome.FAILED : Outcome.DONE;
    }
}
