package ai.cpift.model.data;

import java.io.IOException;

/**
 * A dataset that cannot be trained on as it is. The message names the file (as it was given), the
 * line and field where there is one, the problem and the fix, e.g.
 * {@code dataset tasks/math/train.jsonl line 17: field 'output' missing; fix: ...}.
 */
public class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String field;

    /**
     * @param file    the path as given
     * @param line    1-based line number, 0 for a problem of the whole file
     * @param column  1-based column (characters) within the line, 0 when unknown
     * @param field   the JSON field concerned (e.g. {@code messages[2].role}), null when none
     * @param problem what is wrong
     * @param fix     what to do about it
     */
    public DatasetFormatException(String file, long line, int column, String field, String problem, String fix,
                                  Throwable cause) {
        super("dataset " + file + (line > 0 ? " line " + line : "") + (column > 0 ? " column " + column : "") + ": "
                + (field != null ? "field '" + field + "' " : "") + problem + "; fix: " + fix, cause);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    static DatasetFormatException field(ExampleOrigin at, String field, String problem, String fix) {
        return new DatasetFormatException(at.file(), at.line(), 0, field, problem, fix, null);
    }

    static DatasetFormatException line(ExampleOrigin at, String problem, String fix) {
        return new DatasetFormatException(at.file(), at.line(), 0, null, problem, fix, null);
    }

    /** The dataset path as it was given. */
    public String file() {
        return file;
    }

    /** The 1-based line, 0 for a problem of the whole file. */
    public long line() {
        return line;
    }

    /** The JSON field concerned, or null. */
    public String field() {
        return field;
    }
}
