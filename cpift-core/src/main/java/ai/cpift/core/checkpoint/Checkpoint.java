package ai.cpift.core.checkpoint;

import ai.cpift.core.safetensors.SafetensorsFile;
import ai.cpift.core.safetensors.SafetensorsFormatException;
import ai.cpift.core.safetensors.TensorInfo;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Hugging Face model folder opened for reading: {@code config.json} plus either one
 * {@code model.safetensors} or shards listed in {@code model.safetensors.index.json}.
 * Tensors are presented as one name-ordered collection whatever the sharding; their bytes are
 * memory-mapped slices, valid until {@link #close()}. A plain {@code .safetensors} file is also
 * accepted, as a checkpoint without a config.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> owner;
    private final Map<String, TensorInfo> tensors;
    private final ModelConfig config;

    private Checkpoint(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> owner,
                       Map<String, TensorInfo> tensors, ModelConfig config) {
        this.dir = dir;
        this.files = files;
        this.owner = owner;
        this.tensors = tensors;
        this.config = config;
    }

    public static Checkpoint open(Path path) throws IOException {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".safetensors")) {
            SafetensorsFile f = SafetensorsFile.open(path);
            return assemble(path, List.of(f), null);
        }
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such checkpoint folder");
        }
        ModelConfig config = Files.isRegularFile(path.resolve(ModelConfig.FILE_NAME))
                ? ModelConfig.read(path.resolve(ModelConfig.FILE_NAME)) : null;
        Path index = path.resolve(ShardIndex.FILE_NAME);
        Path single = path.resolve(SINGLE_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(path, ShardIndex.read(index), config);
        }
        if (Files.isRegularFile(single)) {
            return assemble(path, List.of(SafetensorsFile.open(single)), config);
        }
        throw new SafetensorsFormatException(path, "no " + SINGLE_FILE + " and no " + ShardIndex.FILE_NAME
                + " in this folder; a checkpoint must be a Hugging Face folder with safetensors weights"
                + " (convert .bin weights with transformers' save_pretrained(safe_serialization=True))");
    }

    private static Checkpoint openSharded(Path dir, ShardIndex index, ModelConfig config) throws IOException {
        Map<String, SafetensorsFile> byShard = new TreeMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (String shard : new java.util.TreeSet<>(index.weightMap().values())) {
                SafetensorsFile f = SafetensorsFile.open(dir.resolve(shard));
                opened.add(f);
                byShard.put(shard, f);
            }
            Checkpoint c = assemble(dir, opened, config);
            Path indexFile = dir.resolve(ShardIndex.FILE_NAME);
            for (var e : index.weightMap().entrySet()) {
                SafetensorsFile holder = c.owner.get(e.getKey());
                if (holder == null || !holder.path().getFileName().toString().equals(e.getValue())) {
                    c.close();
                    throw new SafetensorsFormatException(indexFile, "weight_map says tensor '" + e.getKey() + "' is in "
                            + e.getValue() + " but " + (holder == null ? "no shard has it" : "it is in " + holder.path().getFileName())
                            + "; the index does not match the shards: re-export the checkpoint");
                }
            }
            if (c.tensors.size() != index.weightMap().size()) {
                List<String> extra = c.tensors.keySet().stream().filter(n -> !index.weightMap().containsKey(n)).toList();
                c.close();
                throw new SafetensorsFormatException(indexFile, "shards hold tensors the weight_map does not list: "
                        + extra.subList(0, Math.min(5, extra.size())) + "; the index does not match the shards: re-export the checkpoint");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static Checkpoint assemble(Path dir, List<SafetensorsFile> files, ModelConfig config) throws SafetensorsFormatException {
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new TreeMap<>();
        for (SafetensorsFile f : files) {
            for (TensorInfo t : f.tensors()) {
                SafetensorsFile prev = owner.put(t.name(), f);
                if (prev != null) {
                    files.forEach(SafetensorsFile::close);
                    throw new SafetensorsFormatException(dir, "tensor '" + t.name() + "' is in both " + prev.path().getFileName()
                            + " and " + f.path().getFileName() + "; remove the duplicate shard");
                }
                tensors.put(t.name(), t);
            }
        }
        return new Checkpoint(dir, List.copyOf(files), owner, java.util.Collections.unmodifiableMap(tensors), config);
    }

    /** The folder (or the single file) this checkpoint was opened from. */
    public Path path() {
        return dir;
    }

    /** The parsed {@code config.json}, absent for a bare safetensors file. */
    public Optional<ModelConfig> config() {
        return Optional.ofNullable(config);
    }

    /** All tensors in lexicographic name order: the global element order of the method. */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public TensorInfo info(String name) throws SafetensorsFormatException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException(dir, "checkpoint has no tensor named '" + name + "'");
        }
        return t;
    }

    /** The tensor's little-endian bytes, memory-mapped. */
    public MemorySegment data(TensorInfo t) {
        return owner.get(t.name()).data(t);
    }

    /**
     * Reads {@code dst.remaining()} bytes of the tensor from byte {@code offset} of it with
     * positional reads: for one pass over every byte, faster than the fresh mapping of {@link #data}.
     */
    public void read(TensorInfo t, long offset, java.nio.ByteBuffer dst) throws IOException {
        owner.get(t.name()).read(t, offset, dst);
    }

    /** The safetensors files, in shard-name order. */
    public List<Path> weightFiles() {
        return files.stream().map(SafetensorsFile::path).sorted().toList();
    }

    /** The total bytes of all weight files. */
    public long weightBytes() {
        return files.stream().mapToLong(SafetensorsFile::fileSize).sum();
    }

    /** Number of elements over all tensors, floating or not. */
    public long elementCount() {
        return tensors.values().stream().mapToLong(TensorInfo::numel).sum();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
