package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.TensorSpec;
import ai.cpift.core.tensor.FloatCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds tiny Hugging Face folders and mask files for the fusion tests. */
final class TinyModel {
    private record Entry(TensorSpec spec, float[] floats, long[] longs) {
    }

    private final Map<String, Entry> tensors = new LinkedHashMap<>();

    TinyModel f(String name, DType dtype, long[] shape, float[] values) {
        tensors.put(name, new Entry(new TensorSpec(name, dtype, shape), values.clone(), null));
        return this;
    }

    TinyModel i64(String name, long[] shape, long[] values) {
        tensors.put(name, new Entry(new TensorSpec(name, DType.I64, shape), null, values.clone()));
        return this;
    }

    /** Writes the folder with a config.json (torch_dtype bfloat16) and a tokenizer.json. */
    Path write(Path dir, long maxShardBytes) throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        tensors.values().forEach(e -> specs.add(e.spec()));
        try (CheckpointWriter w = CheckpointWriter.create(dir, specs, maxShardBytes)) {
            for (Entry e : tensors.values()) {
                if (e.floats() != null) {
                    w.writeFloats(e.spec().name(), e.floats());
                } else {
                    var seg = w.tensor(e.spec().name());
                    for (int i = 0; i < e.longs().length; i++) {
                        seg.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8L * i, e.longs()[i]);
                    }
                }
            }
            ObjectNode config = new ObjectMapper().createObjectNode();
            config.put("model_type", "llama");
            config.put("torch_dtype", "bfloat16");
            w.writeConfig(config);
            w.commit();
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{\"tiny\":true}");
        return dir;
    }

    Path write(Path dir) throws IOException {
        return write(dir, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES);
    }

    /** A mask listing {@code shapes} (name order as given) with the core indices of {@code cores}. */
    static Path mask(Path file, String task, Map<String, long[]> shapes, Map<String, int[]> cores, String baseSha, String tunedSha)
            throws IOException {
        List<MaskTensor> list = new ArrayList<>();
        Map<String, RoaringBitmap> bitmaps = new LinkedHashMap<>();
        long selected = 0;
        long total = 0;
        for (var e : shapes.entrySet()) {
            RoaringBitmap b = RoaringBitmap.bitmapOf(cores.getOrDefault(e.getKey(), new int[0]));
            bitmaps.put(e.getKey(), b);
            list.add(new MaskTensor(e.getKey(), e.getValue(), b.getLongCardinality()));
            selected += b.getLongCardinality();
            total += ai.cpift.core.safetensors.TensorInfo.numel(e.getValue());
        }
        MaskFile.write(file, new MaskHeader(task, 1.0, MaskMode.GLOBAL, Float.NaN, selected, total, baseSha, tunedSha, list), bitmaps);
        return file;
    }

    static Path mask(Path file, String task, Map<String, long[]> shapes, Map<String, int[]> cores) throws IOException {
        return mask(file, task, shapes, cores, "", "");
    }

    /** Reads a floating tensor of a checkpoint as float32. */
    static float[] read(Path checkpoint, String name) throws IOException {
        try (var c = ai.cpift.core.checkpoint.Checkpoint.open(checkpoint)) {
            var t = c.info(name);
            float[] out = new float[(int) t.numel()];
            FloatCodec.decode(t.dtype(), c.data(t), 0, out, 0, out.length);
            return out;
        }
    }
}
