package ai.cpift.model.train;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.model.engine.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The elements a training stage must leave untouched: the union of one or more core masks (the
 * cores of the groups consolidated before, ARCHITECTURE step 5), held per parameter as a boolean
 * "trainable" array and a copy of the parameter's values when the mask was built.
 *
 * <p>Two things keep a frozen element bit-identical, and both are needed. Its gradient is zeroed
 * before the optimizer sees it, so Adam's moments of the element stay exactly 0 and the clipping
 * norm ignores it. That alone is not enough: decoupled weight decay still moves it. So after every
 * optimizer step the frozen elements are copied back: {@code w ← where(trainable, w, original)},
 * written into the parameter in place. A selection copies bits, so this is exact for every value
 * (−0.0, subnormals, NaN payloads), which the arithmetic form {@code w·keep + frozenPart} is not:
 * it turns a frozen −0.0 into +0.0, and an infinite value of a trainable element into NaN.
 * Parameters without a frozen element are skipped.
 *
 * <p>Masks are checked against the model: every tensor a mask lists must be a parameter of the
 * same shape, otherwise the mask belongs to another architecture. The base checkpoint a mask was
 * computed against is not compared with the model being trained: in consolidation the model is
 * the fused one (or the previous stage's output), never the masks' base, so the digests differ by
 * design; the trainer records each mask's SHA-256 and base digest in {@code training.json} instead.
 */
public final class FreezeMask implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> trainable;
    private final Map<String, NDArray> original;
    private final Map<String, Long> frozenCounts;

    private FreezeMask(NDManager manager, Map<String, NDArray> trainable, Map<String, NDArray> original, Map<String, Long> counts) {
        this.manager = manager;
        this.trainable = trainable;
        this.original = original;
        this.frozenCounts = Collections.unmodifiableMap(counts);
    }

    /** Nothing frozen. */
    public static FreezeMask none() {
        return new FreezeMask(null, Map.of(), Map.of(), new TreeMap<>());
    }

    /**
     * The union of {@code masks} over {@code params}, whose current values become the frozen ones.
     * Its arrays live in a sub-manager of {@code parent}, freed on {@link #close()}.
     *
     * @throws IllegalArgumentException naming the mask file and tensor when a mask lists a tensor the
     *                                  model lacks or gives it another shape
     */
    public static FreezeMask of(List<CoreMask> masks, Map<String, Parameter> params, NDManager parent) {
        Map<String, RoaringBitmap> union = new TreeMap<>();
        for (CoreMask mask : masks) {
            for (MaskTensor t : mask.tensors()) {
                Parameter p = params.get(t.name());
                if (p == null) {
                    throw new IllegalArgumentException("mask " + mask.source() + ": tensor '" + t.name() + "' is not a parameter of "
                            + "the model; the mask was computed on another architecture; fix: use masks computed against this "
                            + "model's base (cpift mask)");
                }
                long[] shape = p.getArray().getShape().getShape();
                if (!Arrays.equals(shape, t.shape())) {
                    throw new IllegalArgumentException("mask " + mask.source() + ": tensor '" + t.name() + "' has shape "
                            + Arrays.toString(t.shape()) + " but the model's parameter has " + Arrays.toString(shape)
                            + "; the mask was computed on another architecture; fix: use masks computed against this model's base");
                }
                if (t.cardinality() > 0) {
                    union.computeIfAbsent(t.name(), n -> new RoaringBitmap()).or(mask.bitmap(t.name()).toRoaringBitmap());
                }
            }
        }
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        Map<String, NDArray> original = new LinkedHashMap<>();
        Map<String, Long> counts = new TreeMap<>();
        try (NoGrad ignored = NoGrad.enter()) { // a copy made with autograd on would record a graph back to the parameter
            for (var e : union.entrySet()) {
                NDArray w = params.get(e.getKey()).getArray();
                boolean[] keep = new boolean[Math.toIntExact(w.size())];
                Arrays.fill(keep, true);
                e.getValue().forEach((int i) -> keep[i] = false);
                trainable.put(e.getKey(), manager.create(keep, w.getShape()));
                NDArray copy = w.duplicate();
                copy.attach(manager);
                original.put(e.getKey(), copy);
                counts.put(e.getKey(), e.getValue().getLongCardinality());
            }
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
        return new FreezeMask(manager, trainable, original, counts);
    }

    /** Whether parameter {@code name} has a frozen element. */
    public boolean touches(String name) {
        return trainable.containsKey(name);
    }

    /** Frozen elements per parameter that has any, by name. */
    public Map<String, Long> frozenCounts() {
        return frozenCounts;
    }

    /** All frozen elements. */
    public long frozenElements() {
        return frozenCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Zeroes the frozen elements of a parameter's gradient in place (autograd must be off). */
    public void maskGradient(String name, NDArray gradient) {
        NDArray keep = trainable.get(name);
        if (keep != null) {
            gradient.muli(keep);
        }
    }

    /** Copies the frozen values back into a parameter in place (autograd must be off). */
    public void restore(String name, NDArray weight) {
        NDArray keep = trainable.get(name);
        if (keep != null) {
            try (NDArray chosen = NDArrays.where(keep, weight, original.get(name))) {
                weight.set(new NDIndex(":"), chosen);
            }
        }
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
