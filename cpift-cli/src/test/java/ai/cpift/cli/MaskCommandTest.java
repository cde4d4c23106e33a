package ai.cpift.cli;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.SafetensorsFile;
import ai.cpift.core.safetensors.TensorSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void isolateCache() {
        System.setProperty("cpift.cache.dir", dir.resolve("cache").toString());
    }

    static Path checkpoint(Path out, Map<String, float[]> tensors, Map<String, long[]> shapes) throws Exception {
        List<TensorSpec> specs = tensors.keySet().stream().sorted().map(n -> new TensorSpec(n, DType.BF16, shapes.get(n))).toList();
        try (CheckpointWriter w = CheckpointWriter.create(out, specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES)) {
            tensors.forEach(w::writeFloats);
            w.writeConfig(new ObjectMapper().createObjectNode().put("model_type", "llama"));
            w.commit();
        }
        return out;
    }

    @Test
    void masksExportsAndInspects() throws Exception {
        // bf16 values chosen exact. Δ: emb = [0, 2, 0, 0.5, 1, 0] (shape [2,3]), norm = [4, 0].
        // D = 8, p = 50 → k = 4: norm[0]=4, emb[1]=2, emb[4]=1, emb[3]=0.5.
        Map<String, long[]> shapes = Map.of("model.embed_tokens.weight", new long[]{2, 3}, "model.norm.weight", new long[]{2});
        Path base = checkpoint(dir.resolve("base"), Map.of("model.embed_tokens.weight", new float[6],
                "model.norm.weight", new float[]{1, 1}), shapes);
        Path tuned = checkpoint(dir.resolve("tuned"), Map.of("model.embed_tokens.weight", new float[]{0, -2, 0, 0.5f, 1, 0},
                "model.norm.weight", new float[]{5, 1}), shapes);
        Path mask = dir.resolve("masks/math.mask");
        CliRun r = CliRun.of("mask", "--base", base.toString(), "--tuned", tuned.toString(), "--top-percent", "50",
                "--task", "math", "--out", mask.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4 core elements of 8"), r.out());
        CoreMask m = MaskFile.read(mask);
        assertEquals("math", m.task());
        assertEquals(RoaringBitmap.bitmapOf(1, 3, 4), m.bitmap("model.embed_tokens.weight").toRoaringBitmap());
        assertEquals(RoaringBitmap.bitmapOf(0), m.bitmap("model.norm.weight").toRoaringBitmap());
        String baseSha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(base.resolve("model.safetensors"))));
        assertEquals(baseSha, m.header().baseSha256());

        Path export = dir.resolve("math.safetensors");
        CliRun e = CliRun.of("mask", "export", "--mask", mask.toString(), "--out", export.toString());
        assertEquals(0, e.exit(), e.err());
        try (SafetensorsFile f = SafetensorsFile.open(export)) {
            var emb = f.tensor("model.embed_tokens.weight");
            assertEquals(DType.I64, emb.dtype());
            assertArrayEquals(new long[]{3}, emb.shape());
            assertArrayEquals(new long[]{1, 3, 4}, f.data(emb).toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)));
            assertArrayEquals(new long[]{0}, f.data(f.tensor("model.norm.weight"))
                    .toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)));
            assertEquals("math", f.metadata().get("task"));
        }

        CliRun i = CliRun.of("checkpoint", "inspect", "--json", base.toString());
        assertEquals(0, i.exit(), i.err());
        var json = new ObjectMapper().readTree(i.lastLine());
        assertEquals(8, json.get("parameters").asLong());
        assertEquals(baseSha, json.get("sha256").asText());
        assertEquals("BF16", json.get("tensors").get(0).get("dtype").asText());
    }

    @Test
    void badInputGivesOneClearLineAndExitCode2() throws Exception {
        Path base = checkpoint(dir.resolve("b2"), Map.of("w", new float[4]), Map.of("w", new long[]{4}));
        Path other = checkpoint(dir.resolve("o2"), Map.of("w", new float[4]), Map.of("w", new long[]{2, 2}));
        Path out = dir.resolve("never.mask");
        CliRun r = CliRun.of("mask", "--base", base.toString(), "--tuned", other.toString(), "--task", "x", "--out", out.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("tensor 'w' has shape [2, 2] but the base"), r.err());
        assertFalse(Files.exists(out));
        CliRun missing = CliRun.of("mask", "--base", dir.resolve("nope").toString(), "--tuned", other.toString(), "--task", "x",
                "--out", out.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nope: does not exist"), missing.err());
        CliRun noTask = CliRun.of("mask", "--base", base.toString(), "--tuned", other.toString(), "--out", out.toString());
        assertEquals(2, noTask.exit());
        assertTrue(noTask.err().contains("--task"), noTask.err());
        CliRun badP = CliRun.of("mask", "--base", base.toString(), "--tuned", base.toString(), "--task", "x", "--top-percent", "0",
                "--out", out.toString());
        assertEquals(2, badP.exit());
        assertTrue(badP.err().contains("top percent must be in (0, 100]"), badP.err());
    }
}
