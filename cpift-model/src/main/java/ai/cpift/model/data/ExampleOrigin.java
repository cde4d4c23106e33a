package ai.cpift.model.data;

/**
 * Where an example was read: the dataset path as it was given and the 1-based line number, so that
 * a problem found later (a truncated row, a suspicious loss) can be traced to its line.
 */
public record ExampleOrigin(String file, long line) {
    @Override
    public String toString() {
        return file + " line " + line;
    }
}
