package ai.cpift.cluster.streams;

import ai.cpift.events.MaskComputed;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the cluster stage knows of one pipeline, changed only by applying its events.
 *
 * @param registered task → id of its latest registration
 * @param failed     tasks a stage gave up on: the pipeline no longer waits for them
 * @param masks      task → its latest mask event
 * @param generation the last generation formed (0 before the first)
 * @param formed     task → mask event id of the last generation formed
 * @param attempted  task → mask event id of the last grouping tried, formed or failed (not tried twice)
 */
public record PipelineState(SortedMap<String, String> registered, SortedSet<String> failed, SortedMap<String, MaskComputed> masks,
                            int generation, SortedMap<String, String> formed, SortedMap<String, String> attempted) {
    public PipelineState {
        registered = new TreeMap<>(registered);
        failed = new TreeSet<>(failed);
        masks = new TreeMap<>(masks);
        formed = new TreeMap<>(formed);
        attempted = new TreeMap<>(attempted);
    }

    public static PipelineState empty() {
        return new PipelineState(new TreeMap<>(), new TreeSet<>(), new TreeMap<>(), 0, new TreeMap<>(), new TreeMap<>());
    }

    public PipelineState apply(PipelineInput in) {
        if (in.registered() != null) {
            return registered(in.registered());
        }
        return in.mask() != null ? masked(in.mask()) : failed(in.failed());
    }

    /** A new registration id (a resubmission) gives a failed task another chance; the same id again changes nothing. */
    PipelineState registered(TaskRegistered e) {
        if (e.meta().id().equals(registered.get(e.task()))) {
            return this;
        }
        PipelineState s = copy();
        s.registered.put(e.task(), e.meta().id());
        s.failed.remove(e.task());
        return s;
    }

    /** The latest mask of a task; a mask is also proof the task got past the stages that could fail it. */
    PipelineState masked(MaskComputed e) {
        MaskComputed had = masks.get(e.task());
        if (had != null && had.meta().id().equals(e.meta().id())) {
            return this;
        }
        PipelineState s = copy();
        s.masks.put(e.task(), e);
        s.failed.remove(e.task());
        return s;
    }

    /** A task's failure takes it off the set waited for; a pipeline's failure (task null) is not about a task. */
    PipelineState failed(StageFailed e) {
        if (e.task() == null || failed.contains(e.task())) {
            return this;
        }
        PipelineState s = copy();
        s.failed.add(e.task());
        return s;
    }

    /**
     * The tasks to group now, by name with their masks: every registered (or masked) task that has not
     * failed, when each of them has a mask and that set was not tried already.
     */
    public Optional<List<MaskComputed>> due() {
        SortedSet<String> tasks = new TreeSet<>(registered.keySet());
        tasks.addAll(masks.keySet());
        tasks.removeAll(failed);
        if (tasks.isEmpty() || !masks.keySet().containsAll(tasks)) {
            return Optional.empty();
        }
        List<MaskComputed> due = tasks.stream().map(masks::get).toList();
        return ids(due).equals(attempted) ? Optional.empty() : Optional.of(due);
    }

    /** After generation {@code generation + 1} was formed from {@code masks}. */
    public PipelineState formed(List<MaskComputed> grouped) {
        SortedMap<String, String> ids = ids(grouped);
        return new PipelineState(registered, failed, masks, generation + 1, ids, ids);
    }

    /** After grouping {@code masks} failed: not tried again until the set changes. */
    public PipelineState attemptFailed(List<MaskComputed> tried) {
        return new PipelineState(registered, failed, masks, generation, formed, ids(tried));
    }

    private static SortedMap<String, String> ids(List<MaskComputed> masks) {
        SortedMap<String, String> m = new TreeMap<>();
        masks.forEach(x -> m.put(x.task(), x.meta().id()));
        return m;
    }

    private PipelineState copy() {
        return new PipelineState(registered, failed, masks, generation, formed, attempted);
    }
}
