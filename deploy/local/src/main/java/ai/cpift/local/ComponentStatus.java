package ai.cpift.local;

import java.nio.file.Path;
import java.util.Locale;

/** One child of the stack as {@link LocalStack#status()} sees it; pid is -1 when it is not running. */
public record ComponentStatus(String name, boolean running, long pid, int port, String endpoint, long dataBytes, Path logFile) {

    /** One line for {@code cpift stack status}. */
    public String line() {
        return String.format(Locale.ROOT, "%-6s %-8s %-11s %-28s data %s  log %s", name, running ? "running" : "stopped",
                running ? "pid " + pid : "-", endpoint, human(dataBytes), logFile);
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
