package ai.cpift.core.region;

import org.roaringbitmap.ArrayContainer;
import org.roaringbitmap.BitmapContainer;
import org.roaringbitmap.Container;
import org.roaringbitmap.ContainerPointer;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds and joins RoaringBitmaps a container (65,536 elements) at a time: from the bit sets of
 * {@link DeltaKernel#classify} without visiting elements one by one, and by merging the containers of
 * several bitmaps in key order instead of inserting one bitmap into another.
 */
final class Containers {
    private static final int WORDS = 1 << 10;
    /** Roaring's rule: a container of more than 4,096 elements is a bitmap, else a sorted array. */
    private static final int MAX_ARRAY = 4096;

    private Containers() {
    }

    /**
     * Appends the set bits of {@code words} (bit i of word i/64 standing for element
     * {@code start + i}, for i &lt; n) to {@code out}, whose containers all lie before {@code start}.
     *
     * @param start a multiple of 65,536
     * @return the number of bits appended
     */
    static long append(RoaringBitmap out, long start, long[] words, long n) {
        if ((start & 0xFFFF) != 0) {
            throw new IllegalArgumentException("start " + start + " is not at a container boundary");
        }
        int total = (int) ((n + 63) >>> 6);
        long count = 0;
        for (int from = 0; from < total; from += WORDS) {
            int len = Math.min(WORDS, total - from);
            int card = 0;
            for (int i = from; i < from + len; i++) {
                card += Long.bitCount(words[i]);
            }
            if (card == 0) {
                continue;
            }
            count += card;
            char key = (char) ((start >>> 16) + from / WORDS);
            out.append(key, card > MAX_ARRAY ? bitmap(words, from, len, card) : array(words, from, len, card));
        }
        return count;
    }

    private static Container bitmap(long[] words, int from, int len, int card) {
        long[] bits = new long[WORDS];
        System.arraycopy(words, from, bits, 0, len);
        return new BitmapContainer(bits, card);
    }

    /**
     * The positions of the set bits, decoded without a branch per bit: four positions are written
     * for every word whatever its count (the array has room for the extra three), and only words
     * with more than four bits take a loop. A sparse core has almost none of those.
     */
    private static Container array(long[] words, int from, int len, int card) {
        char[] content = new char[card + 4];
        int p = 0;
        for (int i = 0; i < len; i++) {
            long w = words[from + i];
            int base = i << 6;
            int bits = Long.bitCount(w);
            content[p] = (char) (base + Long.numberOfTrailingZeros(w));
            w &= w - 1;
            content[p + 1] = (char) (base + Long.numberOfTrailingZeros(w));
            w &= w - 1;
            content[p + 2] = (char) (base + Long.numberOfTrailingZeros(w));
            w &= w - 1;
            content[p + 3] = (char) (base + Long.numberOfTrailingZeros(w));
            w &= w - 1;
            for (int q = p + 4; w != 0; q++) {
                content[q] = (char) (base + Long.numberOfTrailingZeros(w));
                w &= w - 1;
            }
            p += bits;
        }
        return new ArrayContainer(card, content);
    }

    /**
     * The union of bitmaps, consumed: their containers in key order, those with the same key
     * or-ed together. Bitmaps of disjoint stretches (each thread's share of a tensor) join without
     * a copy.
     */
    static RoaringBitmap union(List<RoaringBitmap> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        record Entry(char key, int part, Container container) {
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            ContainerPointer c = parts.get(i).getContainerPointer();
            for (; c.getContainer() != null; c.advance()) {
                entries.add(new Entry(c.key(), i, c.getContainer()));
            }
        }
        entries.sort(Comparator.comparingInt((Entry e) -> e.key).thenComparingInt(Entry::part));
        RoaringBitmap out = new RoaringBitmap();
        for (int i = 0; i < entries.size(); ) {
            Container c = entries.get(i).container();
            int j = i + 1;
            for (; j < entries.size() && entries.get(j).key() == entries.get(i).key(); j++) {
                c = c.or(entries.get(j).container());
            }
            out.append(entries.get(i).key(), c);
            i = j;
        }
        return out;
    }
}
