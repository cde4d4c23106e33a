package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in Hugging Face's {@code rotate_half} layout: dimension {@code i}
 * of a head is paired with {@code i + headDim/2} (not with its neighbour, as in Meta's original
 * complex-number code), and both rotate by {@code position * invFreq[i]} with
 * {@code invFreq[i] = 1 / theta^(2i / headDim)}.
 */
public final class RotaryEmbedding {
    private final int headDim;
    private final float[] invFreq;

    public RotaryEmbedding(int headDim, double theta) {
        this.headDim = headDim;
        this.invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(theta, 2.0 * i / headDim));
        }
    }

    /** {@code 1 / theta^(2i / headDim)} for i in [0, headDim/2). */
    public float[] invFreq() {
        return invFreq.clone();
    }

    /**
     * cos and sin of the angles of positions {@code offset .. offset+length-1}, each
     * {@code [length, headDim]} with the half-width table repeated twice as Hugging Face does.
     * The angle is a float32 product, as in Hugging Face's float32 outer product.
     */
    public NDList tables(NDManager manager, int offset, int length) {
        int half = headDim / 2;
        float[] cos = new float[length * headDim];
        float[] sin = new float[length * headDim];
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) (offset + p) * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + half + i] = s;
            }
        }
        Shape shape = new Shape(length, headDim);
        return new NDList(manager.create(cos, shape), manager.create(sin, shape));
    }

    /** Rotates {@code x [B, heads, T, headDim]}: {@code x * cos + rotate_half(x) * sin}. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(2, 3); // 2 × [B, heads, T, headDim/2]
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3); // [B, heads, T, headDim]: (-x2, x1)
        return x.mul(cos).add(rotated.mul(sin));
    }
}
