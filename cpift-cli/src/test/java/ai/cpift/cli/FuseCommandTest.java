package ai.cpift.cli;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.checkpoint.ModelConfig;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cpift fuse} end to end on a tiny bf16 checkpoint, the output read back. */
class FuseCommandTest {
    static final long[] SHAPE = {2, 2};

    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        var cl = Cpift.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    Path model(String name, float[] w) throws Exception {
        Path d = dir.resolve(name);
        try (CheckpointWriter cw = CheckpointWriter.create(d, List.of(new TensorSpec("w", DType.BF16, SHAPE)), Long.MAX_VALUE)) {
            cw.writeFloats("w", w);
            cw.writeConfig(new ObjectMapper().createObjectNode().put("model_type", "llama").put("torch_dtype", "bfloat16"));
            cw.commit();
        }
        Files.writeString(d.resolve("tokenizer.json"), "{}");
        return d;
    }

    Path mask(String task, int... core) throws Exception {
        Path f = dir.resolve(task + ".mask");
        MaskFile.write(f, new MaskHeader(task, 1, MaskMode.GLOBAL, Float.NaN, core.length, 4, "", "",
                List.of(new MaskTensor("w", SHAPE, core.length))), Map.of("w", RoaringBitmap.bitmapOf(core)));
        return f;
    }

    @Test
    void fusesAndPrintsTheReport() throws Exception {
        // θ1 = v, θ2 = 2v: parallel, so the merge is linear: weights 1 and 3 give 0.25v + 0.75·2v = 1.75v.
        // Core: task a holds element 0, task b element 3, both element 1 (Δ 1 vs 2 from θ0 = 0: b wins).
        model("base", new float[]{0, 0, 0, 0});
        Path a = model("a", new float[]{1, 1, 2, -4});
        Path b = model("b", new float[]{2, 2, 4, -8});
        int rc = run("fuse", "--base", dir.resolve("base").toString(), "--task", "a=" + a + "," + mask("a", 0, 1),
                "--task", "b=" + b + "," + mask("b", 1, 3), "--weight", "b=3", "--dtype", "f32", "--threads", "2",
                "--max-shard-size", "1GB", "--out", dir.resolve("out").toString());
        assertEquals(0, rc, err.toString());
        try (Checkpoint c = Checkpoint.open(dir.resolve("out"))) {
            var t = c.info("w");
            assertEquals(DType.F32, t.dtype());
            float[] w = new float[4];
            FloatCodec.decode(t.dtype(), c.data(t), 0, w, 0, 4);
            assertArrayEquals(new float[]{1, 2, 3.5f, -8}, w);
        }
        assertEquals("float32", ModelConfig.read(dir.resolve("out/config.json")).torchDtype());
        assertTrue(Files.isRegularFile(dir.resolve("out/tokenizer.json")));
        String report = out.toString();
        assertTrue(report.contains("fused 2 task(s) into " + dir.resolve("out")), report);
        assertTrue(report.matches("(?s).*\\ba\\s+1\\.000\\s+2\\s+1\\s+1\\n.*"), report);
        assertTrue(report.matches("(?s).*\\bb\\s+3\\.000\\s+2\\s+2\\s+0\\n.*"), report);
        assertTrue(report.contains("conflicts: 1 element(s)"), report);
        assertTrue(report.matches("(?s).*\\nw\\s+BF16>F32\\s+4\\s+0\\.25000\\s+0\\.75000\\s+1\\s+1\\s+2\\s+1\\n.*"), report);
    }

    @Test
    void aTaskNameThatIsNotTheMasksIsAUserError() throws Exception {
        model("base", new float[4]);
        Path a = model("a", new float[]{1, 1, 1, 1});
        int rc = run("fuse", "--base", dir.resolve("base").toString(), "--task", "math=" + a + "," + mask("code"),
                "--out", dir.resolve("out").toString());
        assertEquals(2, rc);
        assertTrue(err.toString().contains("is the core of task 'code' but was given for task 'math'"), err.toString());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void malformedOptionsAreUserErrors() throws Exception {
        model("base", new float[4]);
        Path a = model("a", new float[]{1, 1, 1, 1});
        String task = "a=" + a + "," + mask("a");
        assertEquals(2, run("fuse", "--base", dir.resolve("base").toString(), "--task", "a", "--out", dir.resolve("o").toString()));
        assertTrue(err.toString().contains("must read NAME=DIR,MASK"), err.toString());
        assertEquals(2, run("fuse", "--base", dir.resolve("base").toString(), "--task", task, "--weight", "z=2", "--out", dir.resolve("o").toString()));
        assertTrue(err.toString().contains("--weight 'z=2' must read NAME=W for a task given with --task (tasks: a)"), err.toString());
        assertEquals(2, run("fuse", "--base", dir.resolve("base").toString(), "--task", task, "--weight", "a=-1", "--out", dir.resolve("o").toString()));
        assertTrue(err.toString().contains("positive and finite"), err.toString());
        assertEquals(2, run("fuse", "--base", dir.resolve("base").toString(), "--task", task, "--dtype", "int8", "--out", dir.resolve("o").toString()));
        assertTrue(err.toString().contains("dtype 'int8' is not a floating type"), err.toString());
        assertEquals(2, run("fuse", "--base", dir.resolve("base").toString(), "--task", task, "--max-shard-size", "lots", "--out", dir.resolve("o").toString()));
        assertTrue(err.toString().contains("--max-shard-size 'lots' is not a size"), err.toString());
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void sizesParseLikeHuggingFace() {
        assertEquals(5_000_000_000L, ByteSize.parse("x", "5GB"));
        assertEquals(2L << 30, ByteSize.parse("x", "2GiB"));
        assertEquals(500_000_000L, ByteSize.parse("x", "500mb"));
        assertEquals(1234L, ByteSize.parse("x", "1234"));
    }
}
