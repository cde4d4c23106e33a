package ai.cpift.cli;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.safetensors.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code cpift checkpoint inspect DIR}: what a checkpoint holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List a checkpoint's tensors (dtype, shape), its parameter count, config and SHA-256.")
public final class CheckpointInspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Checkpoint folder (or a single .safetensors file).")
    Path dir;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Checkpoint c = Checkpoint.open(dir)) {
            String sha = CheckpointDigest.sha256(c);
            PrintWriter out = spec.commandLine().getOut();
            long floating = c.tensors().stream().filter(t -> t.dtype().isFloating()).mapToLong(TensorInfo::numel).sum();
            Map<String, Long> byDtype = new TreeMap<>();
            c.tensors().forEach(t -> byDtype.merge(t.dtype().name(), t.numel(), Long::sum));
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ObjectNode o = m.createObjectNode();
                o.put("path", dir.toString());
                o.put("sha256", sha);
                o.put("parameters", floating);
                o.put("elements", c.elementCount());
                o.put("weight_bytes", c.weightBytes());
                ArrayNode files = o.putArray("files");
                c.weightFiles().forEach(f -> files.add(f.getFileName().toString()));
                c.config().ifPresent(cfg -> o.set("config", cfg.raw()));
                ArrayNode ts = o.putArray("tensors");
                for (TensorInfo t : c.tensors()) {
                    ObjectNode e = ts.addObject().put("name", t.name()).put("dtype", t.dtype().name());
                    ArrayNode sh = e.putArray("shape");
                    for (long d : t.shape()) {
                        sh.add(d);
                    }
                }
                out.println(o);
                return 0;
            }
            out.printf(Locale.ROOT, "%-56s %-5s %s%n", "tensor", "dtype", "shape");
            for (TensorInfo t : c.tensors()) {
                out.printf(Locale.ROOT, "%-56s %-5s %s%n", t.name(), t.dtype(), t.shapeString());
            }
            out.printf(Locale.ROOT, "%n%d tensors in %d file(s), %,d bytes%n", c.tensors().size(), c.weightFiles().size(), c.weightBytes());
            out.printf(Locale.ROOT, "parameters (floating-point elements): %,d%n", floating);
            byDtype.forEach((d, n) -> out.printf(Locale.ROOT, "  %-5s %,d elements%n", d, n));
            c.config().ifPresent(cfg -> out.printf(Locale.ROOT,
                    "config: %s, %d layers, hidden %d, %d heads (%d kv), intermediate %d, vocab %d, torch_dtype %s%n",
                    cfg.modelType().isEmpty() ? "(no model_type)" : cfg.modelType(), cfg.layers(), cfg.hiddenSize(), cfg.heads(),
                    cfg.kvHeads(), cfg.intermediateSize(), cfg.vocabSize(), cfg.torchDtype().isEmpty() ? "-" : cfg.torchDtype()));
            out.println("sha256: " + sha);
        }
        return 0;
    }
}
