package ai.cpift.core.group;

import org.roaringbitmap.BatchIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.util.Arrays;

/**
 * One tensor's core elements laid out for intersection counting: the elements split into blocks
 * of 2^16 by their high 16 bits (the key), and the low 16 bits of each block's elements stored
 * back to back in ascending order, in an array the whole mask shares. Two bytes per core element
 * whatever the density; block {@code keys[i]} holds {@code lows[starts[i] .. starts[i+1])}.
 */
final class PackedTensor {
    final String name;
    final char[] keys;
    final int[] starts; // absolute positions in lows
    final char[] lows;

    private PackedTensor(String name, char[] keys, int[] starts, char[] lows) {
        this.name = name;
        this.keys = keys;
        this.starts = starts;
        this.lows = lows;
    }

    /** Packs {@code bitmap} into {@code lows} from {@code offset} on (room for all its elements is the caller's job). */
    static PackedTensor of(String name, ImmutableRoaringBitmap bitmap, char[] lows, int offset) {
        char[] keys = new char[16];
        int[] starts = new int[keys.length + 1];
        int nKeys = 0;
        int n = offset;
        int[] batch = new int[4096];
        BatchIterator it = bitmap.getBatchIterator();
        int lastKey = -1;
        while (it.hasNext()) {
            int got = it.nextBatch(batch);
            for (int b = 0; b < got; b++) {
                int v = batch[b];
                int key = v >>> 16;
                if (key != lastKey) {
                    if (nKeys == keys.length) {
                        keys = Arrays.copyOf(keys, nKeys * 2);
                        starts = Arrays.copyOf(starts, nKeys * 2 + 1);
                    }
                    keys[nKeys] = (char) key;
                    starts[nKeys++] = n;
                    lastKey = key;
                }
                lows[n++] = (char) v;
            }
        }
        keys = Arrays.copyOf(keys, nKeys);
        starts = Arrays.copyOf(starts, nKeys + 1);
        starts[nKeys] = n;
        return new PackedTensor(name, keys, starts, lows);
    }

    /** The position in the shared array after this tensor's last element. */
    int end() {
        return starts[starts.length - 1];
    }
}
