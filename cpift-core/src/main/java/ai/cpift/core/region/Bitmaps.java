package ai.cpift.core.region;

import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Joins per-thread bitmaps (keyed by range number) into one bitmap per tensor name; the parts are consumed. */
final class Bitmaps {
    private Bitmaps() {
    }

    /**
     * @param parts   bitmaps keyed by range number
     * @param threads the tensors are joined on this many threads
     */
    static Map<String, RoaringBitmap> merge(Layout layout, List<Map<Integer, RoaringBitmap>> parts, int threads) {
        Map<String, List<RoaringBitmap>> byName = new TreeMap<>();
        for (Map<Integer, RoaringBitmap> part : parts) {
            part.forEach((r, bm) -> {
                if (!bm.isEmpty()) {
                    byName.computeIfAbsent(layout.ranges.get(r).name(), x -> new ArrayList<>()).add(bm);
                }
            });
        }
        List<String> names = new ArrayList<>(byName.keySet());
        RoaringBitmap[] joined = new RoaringBitmap[names.size()];
        ChunkRunner.run(threads, names.size(), () -> null, (none, i) -> {
            joined[i] = Containers.union(byName.get(names.get(i)));
            return true;
        }, null);
        Map<String, RoaringBitmap> out = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), joined[i]);
        }
        return out;
    }
}
