package ai.cpift.model.init;

import ai.cpift.core.random.SplitMix64;
import ai.cpift.core.safetensors.TensorInfo;

import java.util.Random;

/**
 * Seeded initial values of one parameter, as Hugging Face's {@code _init_weights} draws them:
 * embeddings and linear weights N(0, std), the padding token's embedding row zero, norm scales
 * one, biases zero. Each tensor has its own stream, derived from the seed and its name, so a
 * tensor's values do not depend on which other tensors exist. {@link Random#nextGaussian()} is
 * used because its algorithm is fixed by its specification: the same seed gives the same
 * checkpoint on every JDK.
 */
public final class RandomInit {
    private RandomInit() {
    }

    public static float[] values(String name, long[] shape, int padId, InitOptions o) {
        float[] v = new float[Math.toIntExact(TensorInfo.numel(shape))];
        Random r = new Random(SplitMix64.streamSeed(o.seed(), name));
        boolean norm = name.endsWith("norm.weight");
        boolean bias = name.endsWith(".bias");
        for (int i = 0; i < v.length; i++) {
            if (norm) {
                v[i] = o.randomNormsAndBiases() ? (float) (1 + o.std() * r.nextGaussian()) : 1f;
            } else if (bias) {
                v[i] = o.randomNormsAndBiases() ? (float) (o.std() * r.nextGaussian()) : 0f;
            } else {
                v[i] = (float) (o.std() * r.nextGaussian());
            }
        }
        if (name.equals("model.embed_tokens.weight")) {
            int width = (int) shape[1];
            java.util.Arrays.fill(v, padId * width, (padId + 1) * width, 0f);
        }
        return v;
    }

}
