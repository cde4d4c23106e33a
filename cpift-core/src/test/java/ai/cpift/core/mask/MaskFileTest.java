package ai.cpift.core.mask;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskFileTest {
    @TempDir
    Path dir;

    private static MaskHeader header(RoaringBitmap a, RoaringBitmap b) {
        return new MaskHeader("math", 1.0, MaskMode.GLOBAL, 0.25f, a.getLongCardinality() + b.getLongCardinality(), 1_300_000,
                "a".repeat(64), "b".repeat(64), List.of(
                new MaskTensor("layer.a", new long[]{1000, 1000}, a.getLongCardinality()),
                new MaskTensor("layer.b", new long[]{300_000}, b.getLongCardinality()),
                new MaskTensor("norm", new long[]{16}, 0)));
    }

    @Test
    void roundTripsHeaderAndBitmaps() throws IOException {
        Random rnd = new Random(1);
        RoaringBitmap a = new RoaringBitmap();
        for (int i = 0; i < 10_000; i++) {
            a.add(rnd.nextInt(1_000_000));
        }
        a.add(0L, 70_000L); // a run container
        RoaringBitmap b = RoaringBitmap.bitmapOf(0, 5, 299_999);
        Path f = dir.resolve("math.mask");
        MaskFile.write(f, header(a, b), Map.of("layer.a", a, "layer.b", b));
        CoreMask m = MaskFile.read(f);
        assertEquals("math", m.task());
        assertEquals(a.getLongCardinality() + 3, m.cardinality());
        assertEquals(a, m.bitmap("layer.a").toRoaringBitmap());
        assertEquals(b, m.bitmap("layer.b").toRoaringBitmap());
        assertTrue(m.bitmap("norm").isEmpty());
        assertTrue(m.bitmap("not.in.the.mask").isEmpty());
        assertEquals(0.25f, m.header().threshold());
        assertEquals(MaskMode.GLOBAL, m.header().mode());
        assertEquals("a".repeat(64), m.header().baseSha256());
        assertArrayEquals(new long[]{1000, 1000}, m.tensor("layer.a").orElseThrow().shape());
        assertEquals(1_300_000, m.header().totalElements());
    }

    @Test
    void refusesCorruptionWithTheFileNamed() throws IOException {
        RoaringBitmap a = RoaringBitmap.bitmapOf(1, 2, 3);
        RoaringBitmap b = RoaringBitmap.bitmapOf(7);
        Path f = dir.resolve("t.mask");
        MaskFile.write(f, header(a, b), Map.of("layer.a", a, "layer.b", b));
        byte[] good = Files.readAllBytes(f);
        Random rnd = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = good.clone();
            int pos = rnd.nextInt(bad.length);
            bad[pos] ^= (byte) (1 + rnd.nextInt(255));
            Path g = dir.resolve("bad" + trial + ".mask");
            Files.write(g, bad);
            var e = assertThrows(IOException.class, () -> MaskFile.read(g), "flip at " + pos);
            assertTrue(e.getMessage().contains(g.toString()), e.getMessage());
        }
        Path truncated = dir.resolve("short.mask");
        Files.write(truncated, java.util.Arrays.copyOf(good, 20));
        assertTrue(assertThrows(IOException.class, () -> MaskFile.read(truncated)).getMessage().contains("truncated"));
        Path other = dir.resolve("other.mask");
        Files.writeString(other, "x".repeat(100));
        assertTrue(assertThrows(IOException.class, () -> MaskFile.read(other)).getMessage().contains("not a mask file"));
    }

    @Test
    void refusesAHeaderThatDisagreesWithItsBitmap() {
        RoaringBitmap a = RoaringBitmap.bitmapOf(1, 2, 3);
        MaskHeader h = new MaskHeader("x", 1, MaskMode.GLOBAL, 0f, 2, 10, "", "",
                List.of(new MaskTensor("layer.a", new long[]{10}, 2)));
        assertThrows(IllegalArgumentException.class, () -> MaskFile.write(dir.resolve("x.mask"), h, Map.of("layer.a", a)));
    }
}
