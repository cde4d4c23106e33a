package ai.cpift.model.train;

import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.SftBatch;
import ai.cpift.model.data.SftCollator;
import ai.cpift.model.data.SftDataset;
import ai.cpift.model.data.SftEncoder;
import ai.cpift.model.engine.NoGrad;
import ai.cpift.model.io.LoadedModel;
import ai.cpift.model.io.ModelLoader;
import ai.cpift.model.tokenizer.Tokenizer;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The backward pass reads only memory that its autograd graph keeps alive: a training step's
 * gradients are the same bits whether or not the garbage collector ran, and freed native memory was
 * written again, between the forward and the backward pass. This failed when the model and the loss
 * passed Java numbers to DJL ({@code scores.mul(0.25)}, {@code sum.div(n)}): DJL wraps such a number
 * in a tensor over a direct buffer (no copy) and closes it right after the op, while autograd keeps
 * that tensor for the backward pass of a product or a quotient. The gradient then depended on when
 * the collector had freed the buffer and what had been allocated there since: on the JVM's history
 * and on load, which is how a killed-and-resumed run came to differ from a straight one.
 */
class BackwardAfterGcTest {
    @TempDir
    Path dir;

    @Test
    void gradientsDoNotDependOnWhatWasFreedAndReallocatedBeforeBackward() throws Exception {
        Path base = TrainFixtures.tinyModel(dir.resolve("base"), 11);
        TrainParams p = TrainParams.DEFAULTS.withBatch(8, 8);
        try (NDManager root = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(base)) {
            LoadedModel m = ModelLoader.load(base, root);
            SftDataset data = SftDataset.load("t", TrainFixtures.nextLetter(dir.resolve("d.jsonl")),
                    new SftEncoder(tok, PromptTemplate.defaults()));
            SftBatch batch = new SftCollator(0, p.batchParams()).collate(data.examples().subList(0, 8));
            try (TrainLoop loop = new TrainLoop(m.model(), root, p, FreezeMask.none(), 0)) {
                Map<String, float[]> undisturbed = gradients(loop, m.model().parameters(), root, batch, false);
                for (int round = 0; round < 3; round++) {
                    Map<String, float[]> disturbed = gradients(loop, m.model().parameters(), root, batch, true);
                    for (String name : undisturbed.keySet()) {
                        assertArrayEquals(undisturbed.get(name), disturbed.get(name),
                                "gradient of " + name + " with memory freed and reused between forward and backward, round " + round);
                    }
                }
            }
        }
    }

    /** One micro-batch's gradients, with the heap churned between forward and backward or not; leaves them zero. */
    private static Map<String, float[]> gradients(TrainLoop loop, Map<String, Parameter> params, NDManager root, SftBatch batch,
                                                  boolean churn) throws Exception {
        List<ByteBuffer> junk = new ArrayList<>();
        try (NDManager sm = root.newSubManager()) {
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                TrainLoop.Objective o = loop.objective(sm, new ParameterStore(sm, false), batch, batch.lossTokens());
                if (churn) {
                    churn(junk);
                }
                gc.backward(o.scaled());
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (NoGrad ignored = NoGrad.enter()) {
                for (var e : params.entrySet()) {
                    try (NDArray g = e.getValue().getArray().getGradient()) {
                        out.put(e.getKey(), g.toFloatArray());
                    }
                    JniUtils.zeroGrad((PtNDArray) e.getValue().getArray());
                }
            }
            return out;
        }
    }

    /**
     * Lets the collector free what is unreachable (DJL's temporary scalars among it), then fills the
     * heap with small native blocks of a value no gradient has, so that freed scalars are overwritten.
     */
    private static void churn(List<ByteBuffer> junk) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30); // direct buffers are freed by the cleaner thread, after the collection
            for (int k = 0; k < 2000; k++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + 4 * (k % 4)).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(-12345.678f);
                }
                junk.add(b);
            }
        }
    }
}
