package ai.cpift.cli.stack;

import ai.cpift.cli.Cpift;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cpift stack status|down} where nothing runs: no process is started. */
class StackCommandTest {
    @TempDir
    Path root;

    @Test
    void statusOfAStoppedStackSaysSoWithExitCode3() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cpift.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("stack", "status", "--home", root.toString());
        String text = out.toString();
        assertEquals(3, exit, text + err);
        assertTrue(text.contains("stack under " + root), text);
        assertTrue(text.matches("(?s).*kafka\\s+stopped.*127\\.0\\.0\\.1:19092.*"), text);
        assertTrue(text.matches("(?s).*s3\\s+stopped.*http://127\\.0\\.0\\.1:19000.*"), text);
        assertTrue(text.contains("not running: start it with cpift stack up"), text);
    }

    @Test
    void downWhereNothingRunsIsFine() {
        StringWriter out = new StringWriter();
        CommandLine cl = Cpift.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("stack", "down", "--home", root.toString()));
        assertTrue(out.toString().contains("nothing runs under " + root), out.toString());
    }

    @Test
    void rootDefaultsToCpiftHome() {
        assertEquals(Path.of("/repo/.cpift"), StackHome.root(null, Map.of("CPIFT_HOME", "/repo")));
        assertEquals(Path.of(".cpift").toAbsolutePath(), StackHome.root(null, Map.of()));
        assertEquals(root, StackHome.root(root, Map.of("CPIFT_HOME", "/repo")));
    }
}
