package ai.cpift.model.train;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.model.data.PromptTemplate;
import ai.cpift.model.data.SftDataset;
import ai.cpift.model.data.SftEncoder;
import ai.cpift.model.data.SftExample;
import ai.cpift.model.data.SftJsonlReader;
import ai.cpift.model.data.TokenizedExample;
import ai.cpift.model.tokenizer.Tokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run reads before it may write anything: the tokenizer, every dataset (the first bad
 * line stops the run with its file, line and field), the masks and the digests that make up the
 * run's {@link Fingerprint}.
 */
final class RunInputs implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Tokenizer tokenizer;
    final List<TokenizedExample> examples = new ArrayList<>();
    final List<CoreMask> masks = new ArrayList<>();
    final List<List<SftExample>> evalSets = new ArrayList<>();
    final List<String> evalShas = new ArrayList<>();
    final ArrayNode dataJson = JSON.createArrayNode();
    final ArrayNode freezeJson = JSON.createArrayNode();
    final String modelSha;
    final ObjectNode fingerprint;
    final int padId;
    final long truncated;

    RunInputs(TrainJob job) throws IOException {
        tokenizer = Tokenizer.load(job.model());
        try {
            SftEncoder encoder = new SftEncoder(tokenizer, PromptTemplate.defaults());
            padId = tokenizer.specialTokens().padOrEos().orElseThrow();
            List<String> dataShas = new ArrayList<>();
            long cut = 0;
            for (Path file : job.data()) {
                SftDataset d = SftDataset.load(file.toString(), file, encoder);
                String sha = CheckpointDigest.sha256(List.of(file));
                long longer = d.countLongerThan(job.params().maxLength() + 1);
                cut += longer;
                dataShas.add(sha);
                examples.addAll(d.examples());
                dataJson.addObject().put("path", file.toString()).put("sha256", sha).put("examples", d.size()).put("truncated", longer);
            }
            truncated = cut;
            for (Path file : job.eval()) {
                evalSets.add(SftJsonlReader.readAll(file));
                evalShas.add(CheckpointDigest.sha256(List.of(file)));
            }
            List<String> maskShas = new ArrayList<>();
            for (Path file : job.freeze()) {
                CoreMask m = MaskFile.read(file);
                String sha = CheckpointDigest.sha256(List.of(file));
                masks.add(m);
                maskShas.add(sha);
                freezeJson.addObject().put("path", file.toString()).put("sha256", sha).put("task", m.task())
                        .put("core_elements", m.cardinality()).put("base_sha256", m.header().baseSha256());
            }
            try (Checkpoint c = Checkpoint.open(job.model())) {
                modelSha = CheckpointDigest.sha256(c);
            }
            fingerprint = Fingerprint.of(job.params(), modelSha, dataShas, maskShas,
                    job.saveDtype() == null ? "source" : job.saveDtype().torchName());
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
