package ai.cpift.core.mask;

import java.util.List;

/**
 * What a mask file says about itself.
 *
 * @param task          task name given at mask time
 * @param topPercent    p: the core is ⌊p·D/100⌋ elements
 * @param mode          global (the method) or per-tensor
 * @param threshold     |Δ| of the smallest selected element (global mode; NaN when nothing was selected or per-tensor)
 * @param selected      number of core elements, k
 * @param totalElements D: the floating-point elements of the model
 * @param baseSha256    SHA-256 of the base checkpoint's weights
 * @param tunedSha256   SHA-256 of the fine-tuned checkpoint's weights
 * @param tensors       every floating tensor of the model in name order, with its core size
 */
public record MaskHeader(String task, double topPercent, MaskMode mode, float threshold, long selected, long totalElements,
                         String baseSha256, String tunedSha256, List<MaskTensor> tensors) {
    public MaskHeader {
        tensors = List.copyOf(tensors);
    }
}
