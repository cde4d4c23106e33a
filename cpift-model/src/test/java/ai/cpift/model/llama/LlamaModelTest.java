package ai.cpift.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static ai.cpift.model.llama.TinyModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaModelTest {
    private static final long[] SEQ = {1, 5, 9, 4, 22, 39, 7, 7, 12, 30};

    @Test
    void parametersCarryHuggingFaceNamesAndAreTheBlocksOwn() {
        LlamaConfig c = TinyModels.gqa(false);
        LlamaModel m = new LlamaModel(c);
        assertEquals(new ArrayList<>(c.parameterShapes().keySet()), new ArrayList<>(m.parameters().keySet()));
        assertTrue(m.parameters().containsKey("model.layers.1.self_attn.k_proj.bias"));
        assertTrue(m.parameters().containsKey("lm_head.weight"));
        Set<Parameter> djl = Collections.newSetFromMap(new IdentityHashMap<>());
        m.getParameters().values().forEach(djl::add);
        Set<Parameter> hf = Collections.newSetFromMap(new IdentityHashMap<>());
        hf.addAll(m.parameters().values());
        assertEquals(djl, hf);
        assertEquals(djl.size(), m.parameters().size());
        assertTrue(new LlamaModel(TinyModels.gqa(true)).parameters().keySet().stream().noneMatch(n -> n.startsWith("lm_head")));
    }

    @Test
    void djlInitialisationGivesTheHuggingFaceShapes() {
        LlamaConfig c = TinyModels.gqa(false);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel m = new LlamaModel(c);
            m.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            c.parameterShapes().forEach((n, s) -> assertArrayEquals(s, m.parameters().get(n).getArray().getShape().getShape(), n));
            float[] norm = m.parameters().get("model.norm.weight").getArray().toFloatArray();
            assertArrayEquals(filled(32, 1f), norm);
            try (NDManager step = manager.newSubManager()) {
                NDArray logits = m.logits(step.create(SEQ, new Shape(1, SEQ.length)));
                assertEquals(new Shape(1, SEQ.length, 40), logits.getShape());
            }
        }
    }

    @Test
    void batchRowsEqualSingleSequencesAndTheFutureIsHidden() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel m = TinyModels.random(TinyModels.gqa(false), manager, 1);
            long[] other = {1, 3, 3, 8, 21, 2, 17, 33, 0, 5};
            long[] both = new long[2 * SEQ.length];
            System.arraycopy(SEQ, 0, both, 0, SEQ.length);
            System.arraycopy(other, 0, both, SEQ.length, SEQ.length);
            float[] batch = m.logits(manager.create(both, new Shape(2, SEQ.length))).toFloatArray();
            float[] first = m.logits(manager.create(SEQ, new Shape(1, SEQ.length))).toFloatArray();
            float[] second = m.logits(manager.create(other, new Shape(1, SEQ.length))).toFloatArray();
            assertTrue(maxAbsDiff(Arrays.copyOfRange(batch, 0, first.length), first) < 1e-5f);
            assertTrue(maxAbsDiff(Arrays.copyOfRange(batch, first.length, batch.length), second) < 1e-5f);
            // Changing the last token changes no earlier position's logits.
            long[] changed = SEQ.clone();
            changed[SEQ.length - 1] = 2;
            float[] alt = m.logits(manager.create(changed, new Shape(1, SEQ.length))).toFloatArray();
            int prefix = (SEQ.length - 1) * 40;
            assertTrue(maxAbsDiff(Arrays.copyOf(alt, prefix), Arrays.copyOf(first, prefix)) < 1e-6f);
            assertTrue(maxAbsDiff(Arrays.copyOfRange(alt, prefix, alt.length), Arrays.copyOfRange(first, prefix, first.length)) > 1e-3f);
        }
    }

    @Test
    void incrementalDecodingWithTheCacheEqualsTheFullForward() {
        for (boolean tied : new boolean[]{true, false}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                LlamaModel m = TinyModels.random(TinyModels.gqa(tied), manager, 2);
                float[] full = m.logits(manager.create(SEQ, new Shape(1, SEQ.length))).toFloatArray();
                float[] incremental = new float[full.length];
                try (KvCache cache = m.newCache(manager)) {
                    int prefill = 4;
                    try (NDManager step = manager.newSubManager()) {
                        float[] l = m.logits(step.create(Arrays.copyOf(SEQ, prefill), new Shape(1, prefill)), cache).toFloatArray();
                        System.arraycopy(l, 0, incremental, 0, l.length);
                    }
                    for (int t = prefill; t < SEQ.length; t++) {
                        try (NDManager step = manager.newSubManager()) {
                            float[] l = m.logits(step.create(new long[]{SEQ[t]}, new Shape(1, 1)), cache).toFloatArray();
                            System.arraycopy(l, 0, incremental, t * 40, 40);
                        }
                    }
                    assertEquals(SEQ.length, cache.length());
                }
                assertTrue(maxAbsDiff(full, incremental) < 1e-5f, "max |Δ| " + maxAbsDiff(full, incremental));
            }
        }
    }

    @Test
    void greedyWithTheCacheEqualsArgmaxOfFullRecomputation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel m = TinyModels.random(TinyModels.gqa(true), manager, 3);
            long[] prompt = {1, 8, 9, 10};
            long[] generated = GreedyDecoder.generate(m, manager, prompt, 8, Set.of());
            List<Long> seq = new ArrayList<>();
            for (long t : prompt) {
                seq.add(t);
            }
            for (int i = 0; i < 8; i++) {
                try (NDManager step = manager.newSubManager()) {
                    long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
                    NDArray logits = m.logits(step.create(ids, new Shape(1, ids.length)));
                    seq.add(logits.get(0, ids.length - 1).argMax().getLong());
                }
            }
            long[] expected = seq.subList(prompt.length, seq.size()).stream().mapToLong(Long::longValue).toArray();
            assertArrayEquals(expected, generated);
            long[] stopped = GreedyDecoder.generate(m, manager, prompt, 8, Set.of(expected[2]));
            assertTrue(stopped.length <= 3);
            assertEquals(expected[2], stopped[stopped.length - 1]);
        }
    }

    @Test
    void refusesTokensOutsideTheVocabularyAndSequencesPastTheWindow() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel m = TinyModels.random(TinyModels.gqa(true), manager, 4);
            var e = assertThrows(IllegalArgumentException.class, () -> m.logits(manager.create(new long[]{1, 40}, new Shape(1, 2))));
            assertTrue(e.getMessage().contains("token id 40"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.logits(manager.create(new long[]{-1}, new Shape(1, 1))));
            LlamaConfig c = new LlamaConfig("mistral", 32, 1, 4, 4, 8, 64, 40, 1e-6, 10_000, true, false, false, 4);
            LlamaModel windowed = TinyModels.random(c, manager, 5);
            assertEquals(new Shape(1, 4, 40), windowed.logits(manager.create(new long[]{1, 2, 3, 4}, new Shape(1, 4))).getShape());
            e = assertThrows(IllegalArgumentException.class, () -> windowed.logits(manager.create(new long[]{1, 2, 3, 4, 5}, new Shape(1, 5))));
            assertTrue(e.getMessage().contains("sliding_window (4)"), e.getMessage());
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
