package ai.cpift.cluster.app;

import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.events.Artifact;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.platform.store.ObjectStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The service's grouping: masks downloaded from the bucket (each checked against the SHA-256 its
 * event recorded), grouped, and the result stored at {@link ObjectKeys#grouping}. A result already
 * stored there for the same masks and parameters is reused as is.
 *
 * @param workDir the local folder for a generation's downloads, by pipeline and generation
 */
public record StoredGrouping(ObjectStore store, BiFunction<String, Integer, Path> workDir, int threads) implements Grouper {

    @Override
    public GroupingOutcome group(String pipeline, int generation, List<MaskComputed> masks) throws IOException {
        String key = ObjectKeys.grouping(pipeline, generation);
        GroupingParams params = MaskGrouping.params(masks);
        Optional<Artifact> there = store.stat(key);
        if (there.isPresent()) {
            Optional<GroupingResult> same = GroupingFile.readIfSame(store.getBytes(there.get()), masks, params);
            if (same.isPresent()) {
                return new GroupingOutcome(same.get(), there.get());
            }
        }
        Path dir = workDir.apply(pipeline, generation);
        List<Path> files = new ArrayList<>();
        try {
            for (MaskComputed m : masks) {
                files.add(store.get(m.mask(), dir.resolve(m.task() + ".mask")));
            }
            GroupingResult r = MaskGrouping.group(masks, files, threads);
            return new GroupingOutcome(r, store.putBytes(key, GroupingFile.write(r, masks)));
        } finally {
            // The masks are in the bucket; keeping copies would fill the disk one generation at a time.
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }
}
