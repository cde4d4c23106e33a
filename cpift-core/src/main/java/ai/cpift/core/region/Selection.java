package ai.cpift.core.region;

import org.roaringbitmap.RoaringBitmap;

import java.util.Map;

/**
 * The exact top-k of Δ over a set of tensors.
 *
 * @param k             number of selected elements
 * @param thresholdBits Δ bits of the smallest selected element, -1 when k is 0
 * @param bitmaps       selected flat indices per tensor name (tensors without any are absent)
 * @param fastPath      whether the one-scan candidate path decided it (else the radix passes did)
 * @param seconds       wall time of each phase, in order
 */
public record Selection(long k, int thresholdBits, Map<String, RoaringBitmap> bitmaps, boolean fastPath,
                        Map<String, Double> seconds) {

    /** The threshold as a float, NaN when nothing was selected. */
    public float threshold() {
        return thresholdBits < 0 ? Float.NaN : Float.intBitsToFloat(thresholdBits);
    }
}
