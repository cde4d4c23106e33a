package ai.cpift.cli.bench;

import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.random.SplitMix64;
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
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Synthetic fusion inputs: a Llama-like bf16 base, task models that are the base plus small
 * noise everywhere and larger changes on a core of about 1 % of the elements, and the mask of each
 * core. A third of each core (0.3 % of the elements) is shared by all tasks, so conflicts occur;
 * core changes exceed the noise, so each mask is the task's top |Δ|, as the mask stage would find.
 *
 * @param hidden       hidden size
 * @param layers       decoder layers
 * @param kvDim        width of the k and v projections (grouped-query attention)
 * @param intermediate MLP width
 * @param vocab        vocabulary (tied embeddings: no lm_head)
 */
record FuseBenchData(int hidden, int layers, int kvDim, int intermediate, int vocab) {
    static final int TASKS = 3;
    private static final int CHUNK = 1 << 20;
    private static final int BLOCK = 1 << 14;
    private static final double SHARED_CORE = 0.003;
    private static final double OWN_CORE = 0.007;
    private static final float SCALE = 0.03f;
    private static final float NOISE = 3e-4f;
    private static final float CORE_CHANGE = 4e-3f;

    /** About 0.52 B parameters: hidden 1024, 24 layers, GQA with 4 of 16 heads, MLP 4096, vocabulary 151,936, tied. */
    static FuseBenchData halfBillion(int layers, int vocab) {
        return new FuseBenchData(1024, layers, 256, 4096, vocab);
    }

    List<TensorSpec> specs() {
        List<TensorSpec> s = new ArrayList<>();
        s.add(spec("model.embed_tokens.weight", vocab, hidden));
        s.add(spec("model.norm.weight", hidden));
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            s.add(spec(p + "input_layernorm.weight", hidden));
            s.add(spec(p + "post_attention_layernorm.weight", hidden));
            s.add(spec(p + "self_attn.q_proj.weight", hidden, hidden));
            s.add(spec(p + "self_attn.k_proj.weight", kvDim, hidden));
            s.add(spec(p + "self_attn.v_proj.weight", kvDim, hidden));
            s.add(spec(p + "self_attn.o_proj.weight", hidden, hidden));
            s.add(spec(p + "mlp.gate_proj.weight", intermediate, hidden));
            s.add(spec(p + "mlp.up_proj.weight", intermediate, hidden));
            s.add(spec(p + "mlp.down_proj.weight", hidden, intermediate));
        }
        s.sort(java.util.Comparator.comparing(TensorSpec::name));
        return s;
    }

    private static TensorSpec spec(String name, long... shape) {
        return new TensorSpec(name, DType.BF16, shape);
    }

    long parameters() {
        return specs().stream().mapToLong(TensorSpec::numel).sum();
    }

    ObjectNode config() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", "llama").put("hidden_size", hidden).put("num_hidden_layers", layers)
                .put("num_attention_heads", hidden / 64).put("num_key_value_heads", kvDim / 64).put("head_dim", 64)
                .put("intermediate_size", intermediate).put("vocab_size", vocab).put("tie_word_embeddings", true)
                .put("rms_norm_eps", 1e-6).put("torch_dtype", "bfloat16");
        return c;
    }

    static String taskName(int i) {
        return "task" + (i + 1);
    }

    /**
     * Writes {@code dir/base}, {@code dir/task1..3} and {@code dir/task1..3.mask}, then flushes them
     * to disk, so that no writeback of the generated data competes with the measurements.
     */
    void generate(Path dir, long seed, int threads) throws IOException {
        List<TensorSpec> specs = specs();
        List<CheckpointWriter> writers = new ArrayList<>();
        List<Map<String, RoaringBitmap>> cores = new ArrayList<>();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            writers.add(CheckpointWriter.create(dir.resolve("base"), specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES));
            for (int t = 0; t < TASKS; t++) {
                writers.add(CheckpointWriter.create(dir.resolve(taskName(t)), specs, CheckpointWriter.DEFAULT_MAX_SHARD_BYTES));
                cores.add(new LinkedHashMap<>());
            }
            for (int ti = 0; ti < specs.size(); ti++) {
                TensorSpec s = specs.get(ti);
                List<MemorySegment> segs = writers.stream().map(w -> w.tensor(s.name())).toList();
                int chunks = (int) ((s.numel() + CHUNK - 1) / CHUNK);
                int[][][] positions = new int[chunks][][];
                long tensorSeed = seed * 0x9E3779B97F4A7C15L + ti;
                boolean norm = s.name().endsWith("norm.weight");
                pool.submit(() -> IntStream.range(0, chunks).parallel()
                        .forEach(c -> positions[c] = fill(s.numel(), c, tensorSeed, norm, segs))).join();
                for (int t = 0; t < TASKS; t++) {
                    RoaringBitmap b = new RoaringBitmap();
                    for (int[][] p : positions) {
                        b.addN(p[t], 0, p[t].length);
                    }
                    cores.get(t).put(s.name(), b);
                }
            }
            for (CheckpointWriter w : writers) {
                w.writeConfig(config());
                w.commit();
            }
        } finally {
            pool.shutdown();
            for (CheckpointWriter w : writers) {
                w.close();
            }
        }
        Files.writeString(dir.resolve("base/tokenizer.json"), "{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\"}}");
        long total = specs.stream().mapToLong(TensorSpec::numel).sum();
        for (int t = 0; t < TASKS; t++) {
            List<MaskTensor> list = new ArrayList<>();
            long selected = 0;
            for (TensorSpec s : specs) {
                long card = cores.get(t).get(s.name()).getLongCardinality();
                list.add(new MaskTensor(s.name(), s.shape(), card));
                selected += card;
            }
            // Digests are left empty: the bench does not ask fusion to verify them.
            MaskFile.write(dir.resolve(taskName(t) + ".mask"),
                    new MaskHeader(taskName(t), 1.0, MaskMode.GLOBAL, Float.NaN, selected, total, "", "", list), cores.get(t));
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        }
    }

    /** Fills chunk c of one tensor in all checkpoints; returns the sorted core positions of each task in the chunk. */
    private static int[][] fill(long numel, int c, long tensorSeed, boolean norm, List<MemorySegment> segs) {
        long start = (long) c * CHUNK;
        int len = (int) Math.min(CHUNK, numel - start);
        long[] rng = {mix(tensorSeed * 31 + c)};
        int[] shared = geometric(rng, start, len, SHARED_CORE);
        int[][] cores = new int[TASKS][];
        for (int t = 0; t < TASKS; t++) {
            cores[t] = union(shared, geometric(rng, start, len, OWN_CORE));
        }
        float[] base = new float[BLOCK];
        float[] task = new float[BLOCK];
        int[] cursor = new int[TASKS];
        for (int b = 0; b < len; b += BLOCK) {
            int n = Math.min(BLOCK, len - b);
            for (int k = 0; k < n; k++) {
                base[k] = (norm ? 1f : 0f) + SCALE * uniform(rng);
            }
            FloatCodec.encode(DType.BF16, base, 0, n, segs.get(0), start + b);
            for (int t = 0; t < TASKS; t++) {
                for (int k = 0; k < n; k++) {
                    task[k] = base[k] + NOISE * uniform(rng);
                }
                int[] core = cores[t];
                while (cursor[t] < core.length && core[cursor[t]] < start + b + n) {
                    int k = (int) (core[cursor[t]++] - start - b);
                    float u = uniform(rng);
                    task[k] = base[k] + Math.copySign(CORE_CHANGE * (1 + Math.abs(u)), u);
                }
                FloatCodec.encode(DType.BF16, task, 0, n, segs.get(t + 1), start + b);
            }
        }
        return cores;
    }

    /** Positions in [start, start+len) each taken with probability p, by geometric gaps. */
    private static int[] geometric(long[] rng, long start, int len, double p) {
        int[] out = new int[(int) (len * p * 1.5) + 16];
        int n = 0;
        double logq = Math.log1p(-p);
        long pos = start - 1;
        while (true) {
            double u = (uniform(rng) + 1.0000001) / 2.0000002; // (0, 1)
            pos += 1 + (long) (Math.log(u) / logq);
            if (pos >= start + len) {
                return java.util.Arrays.copyOf(out, n);
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = (int) pos;
        }
    }

    private static int[] union(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).sorted().distinct().toArray();
    }

    /** xorshift64*: a uniform float in [−1, 1). */
    private static float uniform(long[] s) {
        long x = s[0];
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        s[0] = x;
        return ((x * 0x2545F4914F6CDD1DL) >>> 40) * 0x1p-23f - 1f;
    }

    /** SplitMix64's mixer, never 0 (the xorshift state it seeds must not be). */
    private static long mix(long z) {
        long m = SplitMix64.mix(z);
        return m == 0 ? 1 : m;
    }
}
