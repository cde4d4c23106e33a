package ai.cpift.service;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Local work paths and the bucket keys they were downloaded from, so an error raised by the library
 * about a local file names the object the user knows instead of a scratch path.
 */
public final class Places {
    private final Map<String, String> byPath = new LinkedHashMap<>();

    /** {@code local} came from {@code key} (a folder's prefix ends in '/'). */
    public Places add(Path local, String key) {
        byPath.put(local.toString(), key.endsWith("/") ? key.substring(0, key.length() - 1) : key);
        return this;
    }

    public String keys(String message) {
        String m = message == null ? "" : message;
        for (Map.Entry<String, String> e : byPath.entrySet()) {
            m = m.replace(e.getKey(), e.getValue());
        }
        return m;
    }
}
