package ai.cpift.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokenized examples of one task. Loading streams the JSONL file and keeps only the token ids
 * (4 bytes a token), never the text of the whole file.
 *
 * @param task     the task name
 * @param examples in file order
 */
public record SftDataset(String task, List<TokenizedExample> examples) {
    public SftDataset {
        examples = List.copyOf(examples);
    }

    /** Reads and tokenizes a JSONL file; errors as in {@link SftJsonlReader}. */
    public static SftDataset load(String task, Path file, SftEncoder encoder) throws IOException {
        List<TokenizedExample> examples = new ArrayList<>();
        SftJsonlReader.forEach(file, e -> examples.add(encoder.encode(e)));
        return new SftDataset(task, examples);
    }

    public int size() {
        return examples.size();
    }

    /** The number of examples longer than {@code maxTokens}, which batching will truncate. */
    public long countLongerThan(int maxTokens) {
        return examples.stream().filter(e -> e.length() > maxTokens).count();
    }
}
