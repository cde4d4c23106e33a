package ai.cpift.cluster.streams;

import ai.cpift.cluster.app.Grouper;
import ai.cpift.cluster.app.GroupingFile;
import ai.cpift.cluster.app.GroupingOutcome;
import ai.cpift.cluster.app.MaskGrouping;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.events.Artifact;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.platform.store.IntegrityException;
import ai.cpift.platform.store.ObjectMissingException;
import ai.cpift.platform.store.Sha256;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topology tests' grouping: the real mask grouping on local files (by object key, hash checked)
 * instead of the bucket, so the driver tests need no S3; what it would store is kept in {@link #stored}.
 */
final class LocalGrouper implements Grouper {
    final Map<String, Path> files = new ConcurrentHashMap<>();
    final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    int calls;

    @Override
    public GroupingOutcome group(String pipeline, int generation, List<MaskComputed> masks) throws IOException {
        calls++;
        List<Path> local = new ArrayList<>();
        for (MaskComputed m : masks) {
            Path f = files.get(m.mask().key());
            if (f == null) {
                throw new ObjectMissingException("object " + m.mask().key() + " is missing; fix: restore it");
            }
            if (!Sha256.of(f).equals(m.mask().sha256())) {
                throw new IntegrityException("object " + m.mask().key() + " does not match its record");
            }
            local.add(f);
        }
        GroupingResult r = MaskGrouping.group(masks, local, 1);
        byte[] json = GroupingFile.write(r, masks);
        String key = ObjectKeys.grouping(pipeline, generation);
        stored.put(key, json);
        return new GroupingOutcome(r, new Artifact(key, Sha256.of(json), json.length));
    }
}
