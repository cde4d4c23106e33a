package ai.cpift.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The S3 keys of one local stack: random on first start, then kept in {@code <root>/credentials.properties}
 * (mode 600) so that a restarted stack, and every client that read them, keep working.
 */
record Credentials(String accessKey, String secretKey) {
    static final String FILE_NAME = "credentials.properties";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    static Credentials loadOrCreate(Path root) throws IOException {
        Path f = root.resolve(FILE_NAME);
        if (Files.exists(f)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            String a = p.getProperty("accessKey", "");
            String s = p.getProperty("secretKey", "");
            if (a.length() < 16 || s.length() < 32) {
                throw new IOException(f + ": accessKey (16+ characters) or secretKey (32+ characters) missing or short;"
                        + " delete the file to get new keys (clients that read the old ones must re-read stack.json)");
            }
            return new Credentials(a, s);
        }
        Credentials c = random();
        PrivateFiles.write(f, "# S3 keys of the local cpift stack; generated once, reused on every start.\n"
                + "accessKey=" + c.accessKey + "\nsecretKey=" + c.secretKey + "\n");
        return c;
    }

    /** Fresh keys: 20-character access key, 40-character secret, as AWS shapes them. */
    static Credentials random() {
        SecureRandom rnd = new SecureRandom();
        return new Credentials(random(rnd, UPPER, 20), random(rnd, MIXED, 40));
    }

    private static String random(SecureRandom rnd, String alphabet, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "Credentials[accessKey=" + accessKey + ", secretKey=***]";
    }
}
