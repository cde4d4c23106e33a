package ai.cpift.core.region;

import org.roaringbitmap.RoaringBitmap;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Joins per-thread bitmaps (keyed by range number) into one bitmap per tensor name; the parts are consumed. */
final class Bitmaps {
    private Bitmaps() {
    }

    static Map<String, RoaringBitmap> merge(Layout layout, List<Map<Integer, RoaringBitmap>> parts) {
        Map<String, RoaringBitmap> out = new TreeMap<>();
        for (Map<Integer, RoaringBitmap> part : parts) {
            part.forEach((r, bm) -> {
                if (!bm.isEmpty()) {
                    out.merge(layout.ranges.get(r).name(), bm, (a, b) -> {
                        a.or(b);
                        return a;
                    });
                }
            });
        }
        return out;
    }
}
