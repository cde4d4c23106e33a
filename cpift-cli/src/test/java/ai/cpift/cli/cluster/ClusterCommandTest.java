package ai.cpift.cli.cluster;

import ai.cpift.cli.Cpift;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.mask.MaskTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "ab".repeat(32);
    private static final Map<String, long[]> SHAPES = Map.of("a.weight", new long[]{4, 16}, "b.weight", new long[]{2000});

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cpift.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path mask(String file, String task, String base, Map<String, int[]> cores) throws Exception {
        List<MaskTensor> tensors = new ArrayList<>();
        Map<String, RoaringBitmap> bitmaps = new HashMap<>();
        long selected = 0;
        for (var e : new TreeMap<>(cores).entrySet()) {
            RoaringBitmap b = RoaringBitmap.bitmapOf(e.getValue());
            tensors.add(new MaskTensor(e.getKey(), SHAPES.get(e.getKey()), b.getLongCardinality()));
            bitmaps.put(e.getKey(), b);
            selected += b.getLongCardinality();
        }
        Path f = dir.resolve(file);
        MaskFile.write(f, new MaskHeader(task, 1.0, MaskMode.GLOBAL, Float.NaN, selected, 2064, base, "cd".repeat(32), tensors), bitmaps);
        return f;
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    /**
     * math = a[0,10), code = a[5,15), chat = a[14,24) + b[0,9), poem = b[1000,1004).
     * S(math, code) = 5/15; S(code, chat) = 1/28; every other pair 0.
     */
    private List<String> handMasks() throws Exception {
        return List.of(
                mask("poem.mask", "poem", BASE, Map.of("b.weight", range(1000, 1004))).toString(),
                mask("math.mask", "math", BASE, Map.of("a.weight", range(0, 10))).toString(),
                mask("code.mask", "code", BASE, Map.of("a.weight", range(5, 15))).toString(),
                mask("chat.mask", "chat", BASE, Map.of("a.weight", range(14, 24), "b.weight", range(0, 9))).toString());
    }

    private static String expectedJson(String groups, String order) {
        String third = String.valueOf(1.0 / 3);
        String s28 = String.valueOf(1.0 / 28);
        return "{\"tasks\":[\"poem\",\"math\",\"code\",\"chat\"],"
                + "\"jaccard\":[[1.0,0.0,0.0,0.0],[0.0,1.0," + third + ",0.0],[0.0," + third + ",1.0," + s28 + "],[0.0,0.0," + s28 + ",1.0]],"
                + "\"groups\":" + groups + ",\"order\":" + order + "}";
    }

    @Test
    void writesExactlyTheDocumentedJson() throws Exception {
        Path out = dir.resolve("out/groups.json");
        List<String> args = new ArrayList<>(List.of("cluster", "--tau", "0.1", "--order", "given", "--json", out.toString()));
        args.addAll(handMasks());
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        JsonNode got = JSON.readTree(Files.readString(out));
        assertEquals(List.of("tasks", "jaccard", "groups", "order"), iterable(got.fieldNames()));
        assertEquals(JSON.readTree(expectedJson("[[\"poem\"],[\"code\",\"math\"],[\"chat\"]]", "[\"poem\",\"code\",\"math\",\"chat\"]")), got);
        assertTrue(r.out().contains("3 groups") && r.out().contains("2. code, math"), r.out());
        assertTrue(r.out().contains("0.333"), r.out());
    }

    @Test
    void theRandomOrderFollowsTheSeed() throws Exception {
        // Groups in input order: {poem}, {code, math}, {chat}; SplitMix64 Fisher–Yates with seed 3
        // gives [2, 1, 0] (independent Python transcription of the documented algorithm).
        Path out = dir.resolve("random.json");
        List<String> args = new ArrayList<>(List.of("cluster", "--seed", "3", "--json", out.toString()));
        args.addAll(handMasks());
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals(JSON.readTree(expectedJson("[[\"chat\"],[\"code\",\"math\"],[\"poem\"]]", "[\"chat\",\"code\",\"math\",\"poem\"]")),
                JSON.readTree(Files.readString(out)));
        assertTrue(r.out().contains("order random (seed 3)"), r.out());
    }

    @Test
    void aLowerTauMergesTheChain() throws Exception {
        Path out = dir.resolve("low.json");
        List<String> args = new ArrayList<>(List.of("cluster", "--tau", String.valueOf(1.0 / 28), "--order", "largest-first",
                "--json", out.toString()));
        args.addAll(handMasks());
        assertEquals(0, run(args.toArray(String[]::new)).exit());
        JsonNode got = JSON.readTree(Files.readString(out));
        assertEquals(JSON.readTree("[[\"chat\",\"code\",\"math\"],[\"poem\"]]"), got.get("groups"));
        assertEquals(JSON.readTree("[\"chat\",\"code\",\"math\",\"poem\"]"), got.get("order"));
    }

    @Test
    void duplicateTaskNamesExitWithTwo() throws Exception {
        Path a = mask("a.mask", "math", BASE, Map.of("a.weight", range(0, 3)));
        Path b = mask("b.mask", "math", BASE, Map.of("a.weight", range(1, 3)));
        Run r = run("cluster", a.toString(), b.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("both hold task 'math'") && r.err().contains(a.toString()) && r.err().contains(b.toString()), r.err());
        Run twice = run("cluster", a.toString(), a.toString());
        assertEquals(2, twice.exit());
        assertTrue(twice.err().contains(a + " (task 'math') is given twice"), twice.err());
    }

    @Test
    void masksOfDifferentBaseModelsExitWithTwo() throws Exception {
        Path a = mask("a.mask", "math", BASE, Map.of("a.weight", range(0, 3)));
        Path b = mask("b.mask", "code", "ef".repeat(32), Map.of("a.weight", range(1, 3)));
        Run r = run("cluster", a.toString(), b.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("different base models") && r.err().contains(a.toString()) && r.err().contains(b.toString()), r.err());
    }

    @Test
    void unreadableMaskFilesExitWithTwo() throws Exception {
        Path a = mask("a.mask", "math", BASE, Map.of("a.weight", range(0, 3)));
        Path junk = dir.resolve("junk.mask");
        Files.write(junk, new byte[100]);
        Run r = run("cluster", a.toString(), junk.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(junk.toString()) && r.err().contains("not a mask file"), r.err());

        Run missing = run("cluster", a.toString(), dir.resolve("nope.mask").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nope.mask") && missing.err().contains("does not exist"), missing.err());

        Run directory = run("cluster", a.toString(), dir.toString());
        assertEquals(2, directory.exit(), directory.err());
        assertTrue(directory.err().contains(dir + ": is a directory, not a mask file"), directory.err());
    }

    @Test
    void badOptionsExitWithTwo() throws Exception {
        Path a = mask("a.mask", "math", BASE, Map.of("a.weight", range(0, 3)));
        Run order = run("cluster", "--order", "smallest-first", a.toString());
        assertEquals(2, order.exit());
        assertTrue(order.err().contains("random, largest-first, given"), order.err());
        Run tau = run("cluster", "--tau", "2", a.toString());
        assertEquals(2, tau.exit());
        assertTrue(tau.err().contains("tau = 2.0"), tau.err());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
