package ai.cpift.core.region;

import ai.cpift.core.tensor.FloatCodec;


/** Finds and reports NaN or infinite Δ: a checkpoint with such weights has no core region. */
final class NonFinite {
    interface Locator {
        long first();
    }

    private NonFinite() {
    }

    /** Throws when the histogram of high 16 bits counts any non-finite Δ, naming the first. */
    static void check(Layout layout, long[] high, Locator locate) throws NonFiniteWeightException {
        long bad = 0;
        for (int b = DeltaKernel.NON_FINITE >>> 16; b < high.length; b++) {
            bad += high[b];
        }
        if (bad == 0) {
            return;
        }
        report(layout, bad, locate.first());
    }

    /** Throws for {@code bad} non-finite Δ, the first at global index g. */
    static void report(Layout layout, long bad, long g) throws NonFiniteWeightException {
        DeltaRange r = layout.ranges.get(layout.rangeOf(g));
        long i = g - r.globalStart();
        float[] a = new float[1];
        float[] b = new float[1];
        FloatCodec.decode(r.baseType(), r.base(), i, a, 0, 1);
        FloatCodec.decode(r.tunedType(), r.tuned(), i, b, 0, 1);
        throw new NonFiniteWeightException(bad + " element(s) have a non-finite |Δ|; the first is tensor '" + r.name()
                + "' flat index " + i + " (base " + a[0] + ", tuned " + b[0] + "): a checkpoint holds NaN or infinite weights;"
                + " the fine-tune likely diverged: lower its learning rate or check its data");
    }

    static long firstByScan(DeltaKernel kernel, Layout layout) {
        long[] first = {-1};
        DeltaKernel.Scratch s = new DeltaKernel.Scratch();
        for (Layout.Chunk ch : layout.chunks) {
            s.window.collect(kernel, layout.ranges.get(ch.range()), ch.from(), ch.to(), DeltaKernel.NON_FINITE, s, (g, b) -> {
                first[0] = g;
                return false;
            });
            if (first[0] >= 0) {
                return first[0];
            }
        }
        throw new IllegalStateException("the histogram counted a non-finite Δ that a scan cannot find");
    }
}
