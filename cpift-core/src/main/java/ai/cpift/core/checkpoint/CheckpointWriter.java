package ai.cpift.core.checkpoint;

import ai.cpift.core.safetensors.SafetensorsWriter;
import ai.cpift.core.safetensors.TensorSpec;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a Hugging Face model folder. Tensors are assigned to shards up front (in the given
 * order, a new shard whenever the next tensor would pass the cap; a tensor larger than the cap
 * gets a shard of its own), filled in place, and the index is written last. The folder is built
 * under a temporary sibling name and renamed into place on {@link #commit()}, so a reader never
 * sees a partial checkpoint.
 */
public final class CheckpointWriter implements AutoCloseable {
    /** Hugging Face's default shard cap ("5GB"). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final List<String> WEIGHT_SUFFIXES = List.of(".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5",
            ".msgpack", ".gguf", ".onnx", ".partial");

    private final Path out;
    private final Path temp;
    private final List<SafetensorsWriter> shards;
    private final Map<String, SafetensorsWriter> owner;
    private final ShardIndex index;
    private boolean done;

    private CheckpointWriter(Path out, Path temp, List<SafetensorsWriter> shards, Map<String, SafetensorsWriter> owner, ShardIndex index) {
        this.out = out;
        this.temp = temp;
        this.shards = shards;
        this.owner = owner;
        this.index = index;
    }

    /**
     * Opens a new model folder at {@code out}, which must not exist or be empty.
     *
     * @param maxShardBytes shard cap in bytes; one file without an index when everything fits
     */
    public static CheckpointWriter create(Path out, List<TensorSpec> specs, long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("shard size cap must be positive, got " + maxShardBytes);
        }
        requireEmptyOrAbsent(out);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-");
        List<List<TensorSpec>> plan = plan(specs, maxShardBytes);
        List<SafetensorsWriter> shards = new ArrayList<>();
        Map<String, SafetensorsWriter> owner = new HashMap<>();
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        try {
            for (int i = 0; i < plan.size(); i++) {
                String name = plan.size() == 1 ? Checkpoint.SINGLE_FILE
                        : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, plan.size());
                SafetensorsWriter w = SafetensorsWriter.create(temp.resolve(name), plan.get(i), Map.of("format", "pt"));
                shards.add(w);
                for (TensorSpec s : plan.get(i)) {
                    owner.put(s.name(), w);
                    weightMap.put(s.name(), name);
                    total += s.byteLength();
                }
            }
        } catch (IOException | RuntimeException e) {
            for (SafetensorsWriter w : shards) {
                w.close();
            }
            deleteTree(temp);
            throw e;
        }
        return new CheckpointWriter(out, temp, shards, owner, plan.size() == 1 ? null : new ShardIndex(total, weightMap));
    }

    /** Groups tensors into shards of at most {@code cap} bytes, keeping their order. */
    static List<List<TensorSpec>> plan(List<TensorSpec> specs, long cap) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long size = 0;
        for (TensorSpec s : specs) {
            if (!current.isEmpty() && size + s.byteLength() > cap) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.byteLength();
        }
        shards.add(current);
        return shards;
    }

    private static void requireEmptyOrAbsent(Path out) throws IOException {
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new FileAlreadyExistsException(out.toString(), null, "exists and is not a folder: choose another output path");
            }
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new FileAlreadyExistsException(out.toString(), null,
                            "output folder exists and is not empty: choose another output path or remove it");
                }
            }
        }
    }

    /** The writable bytes of a tensor. */
    public MemorySegment tensor(String name) {
        return writer(name).tensor(name);
    }

    /** Writes bytes into a tensor at a byte offset with positional writes ({@link SafetensorsWriter#write}). */
    public void write(String name, long offset, MemorySegment bytes) throws IOException {
        writer(name).write(name, offset, bytes);
    }

    public void writeFloats(String name, float[] values) {
        writer(name).writeFloats(name, values);
    }

    private SafetensorsWriter writer(String name) {
        SafetensorsWriter w = owner.get(name);
        if (w == null) {
            throw new IllegalArgumentException("tensor '" + name + "' is not in the layout of " + out);
        }
        return w;
    }

    /** Writes {@code config.json}. */
    public void writeConfig(ObjectNode config) throws IOException {
        ModelConfig.write(config, temp.resolve(ModelConfig.FILE_NAME));
    }

    /**
     * Copies the tokenizer and other small files (everything but weights, the index and
     * {@code config.json}) from a source model folder.
     */
    public void copyAuxiliaryFiles(Path sourceDir) throws IOException {
        if (!Files.isDirectory(sourceDir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(sourceDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean weights = WEIGHT_SUFFIXES.stream().anyMatch(n::endsWith);
                if (Files.isRegularFile(p) && !weights && !n.startsWith(".") && !n.equals(ShardIndex.FILE_NAME)
                        && !n.equals(ModelConfig.FILE_NAME)) {
                    Files.copy(p, temp.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Commits every shard, writes the index last and moves the folder into place. */
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("already committed or closed: " + out);
        }
        for (SafetensorsWriter w : shards) {
            w.commit();
        }
        if (index != null) {
            index.write(temp.resolve(ShardIndex.FILE_NAME));
        }
        requireEmptyOrAbsent(out);
        Files.deleteIfExists(out);
        Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
        done = true;
    }

    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            for (SafetensorsWriter w : shards) {
                w.close();
            }
            deleteTree(temp);
        }
    }

    /** Deletes a folder and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
