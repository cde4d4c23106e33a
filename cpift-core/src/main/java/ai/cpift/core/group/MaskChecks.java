package ai.cpift.core.group;

import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskTensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that make a set of masks comparable: one mask per task name, one base model, and one
 * shape per tensor name. A tensor listed by one mask and not another is fine (it counts as empty
 * where it is absent); a tensor with two shapes means two different models.
 */
final class MaskChecks {
    /** What the checks need to know of a mask. */
    record Entry(Path source, MaskHeader header) {
    }

    private MaskChecks() {
    }

    /** Unique task names, one base model, one shape per tensor name. */
    static void requireComparable(List<Entry> masks) {
        requireUniqueTasks(masks);
        requireSameModel(masks);
    }

    static void requireUniqueTasks(List<Entry> masks) {
        Map<String, Entry> byTask = new HashMap<>();
        for (Entry m : masks) {
            Entry other = byTask.putIfAbsent(m.header().task(), m);
            if (other != null && other.source().toAbsolutePath().normalize().equals(m.source().toAbsolutePath().normalize())) {
                throw new IncompatibleMasksException("mask " + m.source() + " (task '" + m.header().task()
                        + "') is given twice: pass each task's mask once");
            }
            if (other != null) {
                throw new IncompatibleMasksException("masks " + other.source() + " and " + m.source() + " both hold task '"
                        + m.header().task() + "': task names must be unique; drop one of them or recompute it under another task name");
            }
        }
    }

    static void requireSameModel(List<Entry> masks) {
        Map<String, Entry> firstWithTensor = new HashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        for (Entry m : masks) {
            requireSameBase(masks.getFirst(), m);
            for (MaskTensor t : m.header().tensors()) {
                long[] shape = t.shape();
                long[] seen = shapes.putIfAbsent(t.name(), shape);
                Entry owner = firstWithTensor.putIfAbsent(t.name(), m);
                if (seen != null && !Arrays.equals(seen, shape)) {
                    throw new IncompatibleMasksException("tensor '" + t.name() + "' has shape " + Arrays.toString(seen) + " in mask "
                            + owner.source() + " but " + Arrays.toString(shape) + " in mask " + m.source()
                            + ": the masks were computed on different models; compute every task's mask against the same base checkpoint");
                }
            }
        }
    }

    private static void requireSameBase(Entry first, Entry m) {
        String a = first.header().baseSha256();
        String b = m.header().baseSha256();
        if (!a.equals(b)) {
            throw new IncompatibleMasksException("mask " + m.source() + " (task '" + m.header().task() + "') was computed against base model "
                    + shortSha(b) + " but mask " + first.source() + " (task '" + first.header().task() + "') against " + shortSha(a)
                    + ": masks from different base models cannot be compared; recompute them against the same base checkpoint");
        }
    }

    private static String shortSha(String sha) {
        return sha.isEmpty() ? "(none recorded)" : "sha256 " + sha;
    }
}
