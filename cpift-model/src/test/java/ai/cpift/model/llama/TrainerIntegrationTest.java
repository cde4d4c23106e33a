package ai.cpift.model.llama;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder under DJL's own training machinery: Trainer, gradient collector, AdamW. */
class TrainerIntegrationTest {
    @Test
    void adamWThroughDjlsTrainerFitsAFixedBatch() {
        long[] tokens = {1, 5, 9, 4, 22, 39, 7, 7, 12, 30, 1, 3, 3, 8, 21, 2, 17, 33, 0, 5};
        try (Model djl = Model.newInstance("tiny")) {
            LlamaModel model = TinyModels.random(TinyModels.gqa(false), djl.getNDManager(), 6);
            djl.setBlock(model);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = djl.newTrainer(config)) {
                trainer.initialize(new Shape(2, 10));
                float first = 0;
                float last = 0;
                for (int step = 0; step < 30; step++) {
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        NDArray batch = m.create(tokens, new Shape(2, 10));
                        NDArray inputs = batch.get(":, :-1"); // [B, T]
                        NDArray labels = batch.get(":, 1:"); // [B, T]
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(inputs)).singletonOrThrow(); // [B, T, vocab]
                            NDArray loss = logits.logSoftmax(2).gather(labels.expandDims(2), 2).neg().mean();
                            gc.backward(loss);
                            last = loss.getFloat();
                            if (step == 0) {
                                first = last;
                                everyParameterHasAGradient(model.parameters());
                            }
                        }
                        trainer.step();
                    }
                }
                assertTrue(last < first / 4, "loss " + first + " -> " + last);
            }
        }
    }

    private static void everyParameterHasAGradient(Map<String, Parameter> params) {
        params.forEach((name, p) -> {
            try (NDArray g = p.getArray().getGradient()) {
                assertTrue(g.abs().sum().getFloat() > 0, name + " got no gradient");
            }
        });
    }
}
