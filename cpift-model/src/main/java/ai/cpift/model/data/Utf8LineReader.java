package ai.cpift.model.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a file line by line at the byte level and decodes each line as strict UTF-8, so that an
 * invalid byte is reported on its own line (a {@link java.io.BufferedReader} decodes ahead and would
 * report it on an earlier one). Lines end at '\n'; a '\r' before it is dropped, and so is a UTF-8
 * byte-order mark at the start of the file. Only one line is held in memory at a time.
 */
final class Utf8LineReader implements Closeable {
    /** Longer than any sensible example; stops a binary file without line breaks from filling the heap. */
    static final int MAX_LINE_BYTES = 64 << 20;

    private final InputStream in;
    private final String file;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] buf = new byte[8192];
    private long lineNumber;

    Utf8LineReader(InputStream in, String file) {
        this.in = in;
        this.file = file;
    }

    /** The 1-based number of the line last returned. */
    long lineNumber() {
        return lineNumber;
    }

    /** The next line without its line break, or null at the end of the file. */
    String next() throws IOException {
        int n = 0;
        boolean ended = false;
        while (!ended) {
            if (pos == limit && !fill()) {
                if (n == 0) {
                    return null;
                }
                break;
            }
            int end = pos;
            while (end < limit && chunk[end] != '\n') {
                end++;
            }
            ended = end < limit;
            n = append(n, end - pos);
            pos = ended ? end + 1 : end;
        }
        lineNumber++;
        int start = 0;
        if (lineNumber == 1 && n >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        if (n > start && buf[n - 1] == '\r') {
            n--;
        }
        return decode(start, n);
    }

    private boolean fill() throws IOException {
        int r = in.read(chunk, 0, chunk.length);
        pos = 0;
        limit = Math.max(r, 0);
        return r > 0;
    }

    /** Appends chunk[pos, pos + len) to the line buffer holding n bytes; returns the new length. */
    private int append(int n, int len) throws DatasetFormatException {
        if ((long) n + len > MAX_LINE_BYTES) {
            throw new DatasetFormatException(file, lineNumber + 1, 0, null, "is longer than " + (MAX_LINE_BYTES >> 20)
                    + " MiB", "write one example per line (is this a JSONL file?)", null);
        }
        if (n + len > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(MAX_LINE_BYTES, Math.max(2L * buf.length, n + len)));
        }
        System.arraycopy(chunk, pos, buf, n, len);
        return n + len;
    }

    private String decode(int start, int end) throws DatasetFormatException {
        ByteBuffer bytes = ByteBuffer.wrap(buf, start, end - start);
        CharBuffer chars = CharBuffer.allocate(end - start);
        decoder.reset();
        CoderResult r = decoder.decode(bytes, chars, true);
        if (!r.isError()) {
            r = decoder.flush(chars);
        }
        if (r.isError()) {
            throw new DatasetFormatException(file, lineNumber, 0, null, "is not valid UTF-8 (byte " + (bytes.position() - start + 1)
                    + " of the line starts a malformed sequence)", "save the file as UTF-8", null);
        }
        return chars.flip().toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
