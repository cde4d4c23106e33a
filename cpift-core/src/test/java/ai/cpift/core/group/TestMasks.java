package ai.cpift.core.group;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/** Mask files for the tests, written with {@link MaskFile#write} and read back, plus a naive set view. */
final class TestMasks {
    static final String BASE = "ab".repeat(32);
    /** Tensors spanning 1 to 4 blocks of 2^16 elements. */
    static final Map<String, long[]> SHAPES = new TreeMap<>(Map.of(
            "a.weight", new long[]{3, 100},
            "b.weight", new long[]{70_000},
            "c.weight", new long[]{4, 50_000},
            "d.bias", new long[]{5}));

    private TestMasks() {
    }

    /** Writes and reads back a mask whose header lists exactly the tensors of {@code cores} (name → element indices). */
    static CoreMask write(Path dir, String task, String base, Map<String, long[]> shapes, Map<String, int[]> cores) throws IOException {
        List<MaskTensor> tensors = new ArrayList<>();
        Map<String, RoaringBitmap> bitmaps = new HashMap<>();
        long selected = 0;
        long total = 0;
        for (var e : new TreeMap<>(cores).entrySet()) {
            RoaringBitmap b = RoaringBitmap.bitmapOf(e.getValue());
            long[] shape = shapes.get(e.getKey());
            tensors.add(new MaskTensor(e.getKey(), shape, b.getLongCardinality()));
            bitmaps.put(e.getKey(), b);
            selected += b.getLongCardinality();
            total += ai.cpift.core.safetensors.TensorInfo.numel(shape);
        }
        MaskHeader h = new MaskHeader(task, 1.0, MaskMode.GLOBAL, Float.NaN, selected, total, base, "cd".repeat(32), tensors);
        Path f = dir.resolve(task + ".mask");
        MaskFile.write(f, h, bitmaps);
        return MaskFile.read(f);
    }

    static CoreMask write(Path dir, String task, Map<String, int[]> cores) throws IOException {
        return write(dir, task, BASE, SHAPES, cores);
    }

    /**
     * A random mask over {@link #SHAPES}: each tensor absent from the header with probability 1/5,
     * else holding a random subset at a density drawn from 0 to 1 (dense blocks included).
     */
    static CoreMask random(Path dir, String task, Random rnd) throws IOException {
        double[] densities = {0, 0.001, 0.02, 0.3, 0.9, 1.0};
        Map<String, int[]> cores = new TreeMap<>();
        for (var e : SHAPES.entrySet()) {
            if (rnd.nextInt(5) == 0) {
                continue;
            }
            double d = densities[rnd.nextInt(densities.length)];
            int n = (int) ai.cpift.core.safetensors.TensorInfo.numel(e.getValue());
            cores.put(e.getKey(), d == 1.0 ? java.util.stream.IntStream.range(0, n).toArray()
                    : rnd.ints(0, n).limit((long) (d * n)).distinct().toArray());
        }
        return write(dir, task, cores);
    }

    /** The mask as a plain set of (tensor, index) pairs, read element by element through the bitmap API. */
    static Set<String> naive(CoreMask m) {
        Set<String> s = new HashSet<>();
        for (MaskTensor t : m.tensors()) {
            m.bitmap(t.name()).forEach((int i) -> s.add(t.name() + "#" + Integer.toUnsignedString(i)));
        }
        return s;
    }

    /** |A ∩ B| / |A ∪ B| with both counted from the sets themselves; 0 for two empty sets. */
    static double naiveJaccard(Set<String> a, Set<String> b) {
        Set<String> inter = new HashSet<>(a);
        inter.retainAll(b);
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union.isEmpty() ? 0.0 : (double) inter.size() / union.size();
    }
}
