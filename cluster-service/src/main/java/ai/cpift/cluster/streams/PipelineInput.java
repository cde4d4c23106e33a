package ai.cpift.cluster.streams;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskRegistered;

import java.util.stream.Stream;

/**
 * One input of the topology after the three input streams are merged, carried through the one
 * repartition topic (keyed by pipeline) so a pipeline's registrations, masks and failures reach its
 * processor in the order they were read. Exactly one component is set.
 */
public record PipelineInput(TaskRegistered registered, MaskComputed mask, StageFailed failed) {
    public PipelineInput {
        long set = Stream.of(registered, mask, failed).filter(x -> x != null).count();
        if (set != 1) {
            throw new IllegalArgumentException("a pipeline input holds exactly one event, not " + set);
        }
    }

    public static PipelineInput of(TaskRegistered e) {
        return new PipelineInput(e, null, null);
    }

    public static PipelineInput of(MaskComputed e) {
        return new PipelineInput(null, e, null);
    }

    public static PipelineInput of(StageFailed e) {
        return new PipelineInput(null, null, e);
    }

    public CpiftEvent event() {
        return registered != null ? registered : mask != null ? mask : failed;
    }

    public String pipeline() {
        return event().meta().pipeline();
    }
}
