package ai.cpift.core.region;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.safetensors.SafetensorsFormatException;
import ai.cpift.core.safetensors.TensorInfo;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stage 2 of CPI-FT: the core region of a task. Δ = |θ_tuned − θ_base| in float32 for every
 * floating-point element; the core is the ⌊p·D/100⌋ elements with the largest Δ over the whole
 * model (D = all floating-point elements), ties broken by the lower global index, where tensors
 * are ordered by name and elements row-major within a tensor. Integer and bool tensors (buffers,
 * not parameters) take no part.
 */
public final class CoreRegion {
    private CoreRegion() {
    }

    /** The core region and the header of its mask file. */
    public record Result(MaskHeader header, Map<String, RoaringBitmap> bitmaps, boolean fastPath, Map<String, Double> seconds) {
    }

    /**
     * Computes a task's core region.
     *
     * @param task        task name recorded in the mask
     * @param baseSha256  digest of the base weights (recorded, not recomputed here: hashing is slower than the selection)
     * @param tunedSha256 digest of the fine-tuned weights
     */
    public static Result compute(Checkpoint base, Checkpoint tuned, CoreRegionParams params, String task,
                                 String baseSha256, String tunedSha256, ProgressListener progress) throws java.io.IOException {
        List<DeltaRange> ranges = pair(base, tuned);
        long total = ranges.stream().mapToLong(DeltaRange::numel).sum();
        TopKSelector selector = new TopKSelector(DeltaKernel.best(), params.threads(), params.budgetBytes(), progress);
        Map<String, RoaringBitmap> bitmaps = new TreeMap<>();
        float threshold = Float.NaN;
        boolean fast = true;
        long selected = 0;
        Map<String, Double> seconds = new java.util.LinkedHashMap<>();
        try {
            if (params.mode() == MaskMode.GLOBAL) {
                Selection s = selector.select(ranges, params.coreSize(total));
                bitmaps.putAll(s.bitmaps());
                threshold = s.threshold();
                fast = s.fastPath();
                selected = s.k();
                seconds.putAll(s.seconds());
            } else {
                for (DeltaRange r : ranges) {
                    DeltaRange local = r.at(0);
                    Selection s = selector.select(List.of(local), params.coreSize(r.numel()));
                    bitmaps.putAll(s.bitmaps());
                    fast &= s.fastPath();
                    selected += s.k();
                    s.seconds().forEach((phase, sec) -> seconds.merge(phase, sec, Double::sum));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // a read of a checkpoint failed; the cause names the file
        }
        List<MaskTensor> tensors = new ArrayList<>();
        for (DeltaRange r : ranges) {
            RoaringBitmap b = bitmaps.get(r.name());
            tensors.add(new MaskTensor(r.name(), base.info(r.name()).shape(), b == null ? 0 : b.getLongCardinality()));
        }
        MaskHeader header = new MaskHeader(task, params.topPercent(), params.mode(), threshold, selected, total,
                baseSha256, tunedSha256, tensors);
        return new Result(header, bitmaps, fast, seconds);
    }

    /**
     * Pairs the floating-point tensors of the two checkpoints in name order, checking that the
     * fine-tuned one has exactly the base's floating tensors with the base's shapes.
     */
    static List<DeltaRange> pair(Checkpoint base, Checkpoint tuned) throws SafetensorsFormatException {
        List<DeltaRange> out = new ArrayList<>();
        long global = 0;
        for (TensorInfo b : base.tensors()) {
            if (!b.dtype().isFloating()) {
                continue;
            }
            TensorInfo t = tuned.find(b.name()).orElseThrow(() -> new SafetensorsFormatException(tuned.path(),
                    "has no tensor '" + b.name() + "' but the base " + base.path()
                            + " has; the fine-tuned model must be a fine-tune of this base"));
            if (!t.sameShape(b)) {
                throw new SafetensorsFormatException(tuned.path(), "tensor '" + b.name() + "' has shape " + t.shapeString()
                        + " but the base " + base.path() + " has " + b.shapeString()
                        + "; the fine-tuned model must be a fine-tune of this base");
            }
            if (!t.dtype().isFloating()) {
                throw new SafetensorsFormatException(tuned.path(), "tensor '" + b.name() + "' is " + t.dtype()
                        + " but the base's is " + b.dtype() + "; weights must stay floating point");
            }
            out.add(new DeltaRange(b.name(), global, b.numel(), base.data(b), b.dtype(), tuned.data(t), t.dtype(),
                    (offset, dst) -> base.read(b, offset, dst), (offset, dst) -> tuned.read(t, offset, dst)));
            global += b.numel();
        }
        for (TensorInfo t : tuned.tensors()) {
            if (t.dtype().isFloating() && base.find(t.name()).isEmpty()) {
                throw new SafetensorsFormatException(tuned.path(), "has tensor '" + t.name() + "' that the base "
                        + base.path() + " lacks; the fine-tuned model must be a fine-tune of this base");
            }
        }
        return out;
    }
}
