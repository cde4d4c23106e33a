package ai.cpift.model.llama;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/** Parameter construction shared by the blocks: Hugging Face leaf names and its initialisation. */
final class Params {
    /** Hugging Face's {@code initializer_range}: linear and embedding weights start as N(0, 0.02). */
    static final float INITIALIZER_RANGE = 0.02f;

    private Params() {
    }

    /** A weight drawn from N(0, initializer_range) when DJL initialises the block. */
    static Parameter weight(String name) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer(INITIALIZER_RANGE)).build();
    }

    /** A bias, zero at initialisation. */
    static Parameter bias(String name) {
        return Parameter.builder().setName(name).setType(Parameter.Type.BIAS).optInitializer(Initializer.ZEROS).build();
    }

    /** A norm's scale, one at initialisation. */
    static Parameter scale(String name) {
        return Parameter.builder().setName(name).setType(Parameter.Type.GAMMA).optInitializer(Initializer.ONES).build();
    }

    /**
     * Gives a parameter its shape for DJL's own initialisation, unless an array was already set
     * (by a checkpoint load), in which case the array decides.
     */
    static void shape(Parameter p, long... dims) {
        if (p != null && !p.isInitialized()) {
            p.setShape(new Shape(dims));
        }
    }
}
