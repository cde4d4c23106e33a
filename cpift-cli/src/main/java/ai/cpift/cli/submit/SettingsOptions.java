package ai.cpift.cli.submit;

import ai.cpift.events.PipelineSettings;
import ai.cpift.events.Training;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The pipeline's hyper-parameters as {@code cpift submit} options. None has a picocli default: an omitted
 * option takes the pipeline's recorded value when the pipeline exists, the documented default otherwise (the
 * same defaults as a {@code cpift run} pipeline file), and a given one must agree with what the pipeline
 * recorded, because every task of a pipeline is probed, masked and fused under one setting.
 */
final class SettingsOptions {
    @Option(names = "--probe-steps", paramLabel = "N", description = "Probe fine-tune steps. Default: 100.")
    Integer probeSteps;
    @Option(names = "--probe-lr", paramLabel = "LR", description = "Probe peak learning rate. Default: 1e-3.")
    Double probeLr;
    @Option(names = "--probe-warmup", paramLabel = "N", description = "Probe warm-up steps. Default: a tenth of the steps.")
    Integer probeWarmup;
    @Option(names = "--probe-batch", paramLabel = "N", description = "Probe examples per step. Default: 16.")
    Integer probeBatch;
    @Option(names = "--top-percent", paramLabel = "P", description = "Core size p, % of all parameters. Default: 1 (the paper's).")
    Double topPercent;
    @Option(names = "--tau", paramLabel = "T", description = "Jaccard threshold for an edge between two tasks. Default: 0.1 (the paper's).")
    Double tau;
    @Option(names = "--stage-order", paramLabel = "ORDER", description = "random (seeded) or largest-first. Default: random.")
    String stageOrder;
    @Option(names = "--seed", paramLabel = "S", description = "Seeds stage order, data order and samples. Default: 0.")
    Long seed;
    @Option(names = "--consolidation-steps", paramLabel = "N", description = "Steps of each consolidation stage. Default: 50.")
    Integer consolidationSteps;
    @Option(names = "--consolidation-lr", paramLabel = "LR", description = "Consolidation peak learning rate. Default: 1e-3.")
    Double consolidationLr;
    @Option(names = "--consolidation-warmup", paramLabel = "N", description = "Consolidation warm-up steps. Default: a tenth of the steps.")
    Integer consolidationWarmup;
    @Option(names = "--consolidation-batch", paramLabel = "N", description = "Consolidation examples per step. Default: 16.")
    Integer consolidationBatch;
    @Option(names = "--per-task", paramLabel = "N", description = "Examples of each task in a consolidation stage's sample. Default: 200.")
    Integer perTask;
    @Option(names = "--consolidation-data", paramLabel = "DATA", description = "group (each stage on its group's tasks, the paper's) or"
            + " mixed (all tasks). Default: group.")
    String consolidationData;
    @Option(names = "--max-length", paramLabel = "N", description = "Token positions of a training row. Default: 128.")
    Integer maxLength;

    /** The settings of a new pipeline: the given options, the defaults for the rest. */
    PipelineSettings forNewPipeline() {
        int ps = or(probeSteps, 100);
        int cs = or(consolidationSteps, 50);
        return new PipelineSettings(new Training(ps, or(probeLr, 1e-3), or(probeWarmup, ps / 10), or(probeBatch, 16)),
                or(topPercent, 1.0), or(tau, 0.1), or(stageOrder, "random"), or(seed, 0L),
                new Training(cs, or(consolidationLr, 1e-3), or(consolidationWarmup, cs / 10), or(consolidationBatch, 16)),
                or(perTask, 200), or(consolidationData, "group"), or(maxLength, 128));
    }

    /** What the given options say against {@code recorded}, a pipeline's settings: one line per disagreement. */
    List<String> conflicts(PipelineSettings recorded) {
        List<String> out = new ArrayList<>();
        Training p = recorded.probe();
        Training c = recorded.consolidation();
        check(out, "--probe-steps", probeSteps, p.steps());
        check(out, "--probe-lr", probeLr, p.lr());
        check(out, "--probe-warmup", probeWarmup, p.warmup());
        check(out, "--probe-batch", probeBatch, p.batchSize());
        check(out, "--top-percent", topPercent, recorded.topPercent());
        check(out, "--tau", tau, recorded.tau());
        check(out, "--stage-order", stageOrder, recorded.stageOrder());
        check(out, "--seed", seed, recorded.seed());
        check(out, "--consolidation-steps", consolidationSteps, c.steps());
        check(out, "--consolidation-lr", consolidationLr, c.lr());
        check(out, "--consolidation-warmup", consolidationWarmup, c.warmup());
        check(out, "--consolidation-batch", consolidationBatch, c.batchSize());
        check(out, "--per-task", perTask, recorded.perTask());
        check(out, "--consolidation-data", consolidationData, recorded.consolidationData());
        check(out, "--max-length", maxLength, recorded.maxLength());
        return out;
    }

    private static void check(List<String> out, String option, Object given, Object recorded) {
        if (given != null && !Objects.equals(given, recorded)) {
            out.add(option + " " + given + " (the pipeline has " + recorded + ")");
        }
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }
}
