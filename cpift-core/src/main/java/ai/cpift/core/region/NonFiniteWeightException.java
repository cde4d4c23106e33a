package ai.cpift.core.region;

import java.io.IOException;

/** A checkpoint holds NaN or infinite weights, so |Δ| has no order; the message names the tensor and element. */
public class NonFiniteWeightException extends IOException {
    private static final long serialVersionUID = 1L;

    public NonFiniteWeightException(String message) {
        super(message);
    }
}
