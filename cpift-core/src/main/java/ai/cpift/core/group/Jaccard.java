package ai.cpift.core.group;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskTensor;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.util.List;

/**
 * The method's similarity of two core regions (arXiv 2508.21741, step 3):
 * S(Ci, Cj) = |Ci ∩ Cj| / |Ci ∪ Cj|, exact, over element positions (tensor name, flat row-major
 * index). A tensor absent from one mask counts as empty there. S = 0 when both cores are empty: two
 * tasks that moved nothing share nothing worth isolating together, and 0 keeps the value defined
 * without an edge at any τ > 0.
 */
public final class Jaccard {
    private Jaccard() {
    }

    /** S from the two core sizes and the size of their intersection; |Ci ∪ Cj| = |Ci| + |Cj| − |Ci ∩ Cj|. */
    public static double similarity(long sizeA, long sizeB, long intersection) {
        if (sizeA < 0 || sizeB < 0 || intersection < 0 || intersection > Math.min(sizeA, sizeB)) {
            throw new IllegalArgumentException("impossible set sizes: |A|=" + sizeA + ", |B|=" + sizeB + ", |A∩B|=" + intersection);
        }
        long union = sizeA + sizeB - intersection;
        return union == 0 ? 0.0 : (double) intersection / union;
    }

    /**
     * |Ci ∩ Cj| of two masks, summed over tensors with RoaringBitmap's andCardinality; throws
     * {@link IncompatibleMasksException} when the masks come from different base models or disagree
     * on a tensor's shape. (The matrix uses the faster {@link JaccardMatrix} kernel; this one is the
     * plain definition.)
     */
    public static long intersection(CoreMask a, CoreMask b) {
        MaskChecks.requireSameModel(List.of(new MaskChecks.Entry(a.source(), a.header()),
                new MaskChecks.Entry(b.source(), b.header())));
        long n = 0;
        for (MaskTensor t : a.tensors()) {
            if (t.cardinality() > 0 && b.tensor(t.name()).isPresent()) {
                n += ImmutableRoaringBitmap.andCardinality(a.bitmap(t.name()), b.bitmap(t.name()));
            }
        }
        return n;
    }

    /** S(Ci, Cj) of two masks; see {@link #intersection} for the checks. */
    public static double similarity(CoreMask a, CoreMask b) {
        return similarity(a.cardinality(), b.cardinality(), intersection(a, b));
    }
}
