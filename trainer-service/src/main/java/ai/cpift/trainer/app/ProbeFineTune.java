package ai.cpift.trainer.app;

import ai.cpift.events.Artifact;
import ai.cpift.events.ModelRef;
import ai.cpift.events.Names;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.model.train.SftTrainer;
import ai.cpift.model.train.TrainJob;
import ai.cpift.model.train.TrainSummary;
import ai.cpift.platform.kafka.StageContext;
import ai.cpift.platform.store.ObjectStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 1: the probe θi of one task, full-parameter SFT of the base on that task alone, stored under
 * {@link ObjectKeys#probe} with its {@code training.json} and its scores ({@value #EVAL}). A probe
 * already stored is reused, never trained again; a run interrupted by a restart resumes from its last
 * checkpoint in the work dir.
 */
@ApplicationScoped
public class ProbeFineTune {
    /** The base's and the probe's exact match on the task's eval data, stored in the probe folder so a reuse recovers them. */
    public static final String EVAL = "eval.json";
    private static final Logger LOG = Logger.getLogger(ProbeFineTune.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainerWork work;

    public ProbeFineTune(TrainerWork work) {
        this.work = work;
    }

    public TaskFineTuned run(TaskRegistered in, StageContext context) throws Exception {
        String pipeline = in.meta().pipeline();
        String taskId = Names.taskId(pipeline, in.task());
        String prefix = ObjectKeys.probe(pipeline, in.task());
        ObjectStore store = work.store();
        Optional<ModelRef> stored = store.folder(prefix);
        if (stored.isPresent()) {
            LOG.infof("%s: the probe at %s is stored already; reused, not trained again", taskId, prefix);
            return answer(in, context, stored.get(), json(store, stored.get(), SftTrainer.SUMMARY), json(store, stored.get(), EVAL));
        }
        Path dir = work.workDir("probe", pipeline + "_" + in.task(), Arrays.asList(in.base(), in.train(), in.eval(), in.settings()));
        LocalNames names = new LocalNames();
        try {
            Path base = work.model(in.base());
            names.folder(base, in.base().prefix());
            Path train = store.get(in.train(), dir.resolve("data").resolve("train.jsonl"));
            names.file(train, in.train().key());
            EvalSet eval = null;
            if (in.eval() != null) {
                Path file = store.get(in.eval(), dir.resolve("data").resolve("eval.jsonl"));
                names.file(file, in.eval().key());
                eval = EvalSet.read(in.task(), in.eval().key(), in.eval().sha256(), file, work.evalExamples());
            }
            Path out = dir.resolve("probe");
            names.folder(out, prefix);
            TrainSummary s = SftTrainer.run(TrainJob.of(base, List.of(train), List.of(), out, work.params(in.settings().probe(), in.settings())),
                    new ProgressRelay(context, in, taskId, "probe " + in.task()));
            ObjectNode scores = scores(in, base, out, eval);
            Files.write(out.resolve(EVAL), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(scores));
            ModelRef probe = store.putFolder(prefix, out);
            TaskFineTuned answer = answer(in, context, probe, s.json(), scores);
            TrainerWork.clean(dir);
            return answer;
        } catch (Exception e) {
            throw names.failure("probe fine-tune of task " + taskId + " (base " + in.base().prefix() + ", data " + in.train().key() + ")", e);
        }
    }

    private ObjectNode scores(TaskRegistered in, Path base, Path probe, EvalSet eval) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode em = o.putObject("exact_match");
        if (eval == null) {
            return o;
        }
        o.put("eval", eval.key()).put("eval_sha256", eval.sha256()).put("examples", eval.examples().size())
                .put("max_new_tokens", work.evalMaxNewTokens()).put("max_length", in.settings().maxLength());
        ExactMatch scorer = work.exactMatch(in.settings());
        em.put("base", scorer.score(base, List.of(eval)).get(in.task()));
        em.put("probe", scorer.score(probe, List.of(eval)).get(in.task()));
        return o;
    }

    private static TaskFineTuned answer(TaskRegistered in, StageContext context, ModelRef probe, JsonNode training, JsonNode eval) {
        Map<String, Double> scores = new LinkedHashMap<>();
        eval.path("exact_match").properties().forEach(e -> scores.put(e.getKey(), e.getValue().asDouble()));
        return new TaskFineTuned(context.metaFor(in), in.task(), in.settings(), in.base(), in.train(), in.eval(), probe,
                training.path("steps").asLong(), training.path("tokens_seen").asLong(), training.path("seconds").asDouble(), scores);
    }

    /** A JSON file of a stored probe folder. */
    private static JsonNode json(ObjectStore store, ModelRef folder, String name) throws StageInputException, IOException {
        Optional<Artifact> a = folder.files().stream().filter(f -> f.key().equals(folder.prefix() + name)).findFirst();
        if (a.isEmpty()) {
            throw new StageInputException("the stored probe " + folder.prefix() + " has no " + name + ", so it was not made by the "
                    + "trainer; fix: delete " + ObjectStore.manifestKey(folder.prefix()) + " so the task is trained again");
        }
        return JSON.readTree(store.getBytes(a.get()));
    }
}
