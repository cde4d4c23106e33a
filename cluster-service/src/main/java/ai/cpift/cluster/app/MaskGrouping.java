package ai.cpift.cluster.app;

import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.PipelineSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The grouping of downloaded mask files, the same call as the offline pipeline's
 * ({@code MethodRun.group}): pack every mask, Jaccard matrix, components at τ, stage order.
 */
public final class MaskGrouping {
    private MaskGrouping() {
    }

    /** τ, stage order and seed of the pipeline; every mask event must carry the same ones. */
    public static GroupingParams params(List<MaskComputed> masks) {
        PipelineSettings first = masks.getFirst().settings();
        for (MaskComputed m : masks) {
            PipelineSettings s = m.settings();
            if (s.tau() != first.tau() || !s.stageOrder().equals(first.stageOrder()) || s.seed() != first.seed()) {
                throw new IllegalArgumentException("pipeline " + m.meta().pipeline() + ": task '" + m.task() + "' was masked with tau "
                        + s.tau() + ", stage order " + s.stageOrder() + ", seed " + s.seed() + " but task '" + masks.getFirst().task()
                        + "' with tau " + first.tau() + ", stage order " + first.stageOrder() + ", seed " + first.seed()
                        + "; fix: a pipeline has one set of settings: register the task again with the pipeline's settings");
            }
        }
        return new GroupingParams(first.tau(), first.stageOrder(), first.seed());
    }

    /**
     * Groups the tasks of {@code masks} (sorted by task name) from their files, {@code files.get(i)} holding
     * {@code masks.get(i)}'s mask.
     */
    public static GroupingResult group(List<MaskComputed> masks, List<Path> files, int threads) throws IOException {
        if (masks.isEmpty() || masks.size() != files.size()) {
            throw new IllegalArgumentException(masks.size() + " masks with " + files.size() + " files: need one file per mask, at least one");
        }
        GroupingParams params = params(masks);
        List<CoreMask> read = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) {
            MaskComputed m = masks.get(i);
            CoreMask c;
            try {
                c = MaskFile.read(files.get(i));
            } catch (IOException | RuntimeException e) {
                throw new IOException("pipeline " + m.meta().pipeline() + ", task '" + m.task() + "': mask object " + m.mask().key()
                        + " is not a readable mask file (" + e.getMessage() + "); fix: compute the task's mask again", e);
            }
            if (!c.task().equals(m.task())) {
                throw new IllegalArgumentException("pipeline " + m.meta().pipeline() + ", task '" + m.task() + "': mask object "
                        + m.mask().key() + " holds the core of task '" + c.task() + "'; fix: compute the task's mask again under its own name");
            }
            read.add(c);
        }
        return Grouping.group(PackedMask.ofAll(read, threads), params, threads);
    }
}
