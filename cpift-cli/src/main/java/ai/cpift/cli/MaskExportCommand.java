package ai.cpift.cli;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskTensor;
import ai.cpift.core.safetensors.DType;
import ai.cpift.core.safetensors.SafetensorsWriter;
import ai.cpift.core.safetensors.TensorSpec;
import org.roaringbitmap.IntIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cpift mask export}: a mask as safetensors, readable from Python. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a mask as safetensors: one I64 tensor per source tensor, same name,",
                "holding the core's flat row-major indices in ascending order."})
public final class MaskExportCommand implements Callable<Integer> {
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Spec
    CommandSpec spec;

    @Option(names = "--mask", required = true, paramLabel = "FILE", description = "Mask file made by `cpift mask`.")
    Path mask;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Safetensors file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        CoreMask m = MaskFile.read(mask);
        List<TensorSpec> specs = new ArrayList<>();
        for (MaskTensor t : m.tensors()) {
            specs.add(new TensorSpec(t.name(), DType.I64, new long[]{t.cardinality()}));
        }
        Map<String, String> meta = Map.of("task", m.task(), "top_percent", Double.toString(m.header().topPercent()),
                "mode", m.header().mode().name().toLowerCase(java.util.Locale.ROOT),
                "base_sha256", m.header().baseSha256(), "tuned_sha256", m.header().tunedSha256());
        try (SafetensorsWriter w = SafetensorsWriter.create(out, specs, meta)) {
            for (MaskTensor t : m.tensors()) {
                MemorySegment seg = w.tensor(t.name());
                long i = 0;
                for (IntIterator it = m.bitmap(t.name()).getIntIterator(); it.hasNext(); i++) {
                    seg.setAtIndex(LE_LONG, i, Integer.toUnsignedLong(it.next()));
                }
            }
            w.commit();
        }
        spec.commandLine().getOut().println("wrote " + m.tensors().size() + " index tensors (" + m.cardinality() + " core elements) to " + out);
        return 0;
    }
}
