package ai.cpift.mask.app;

import ai.cpift.service.Places;
import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointDigest;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.core.mask.MaskHeader;
import ai.cpift.core.mask.MaskMode;
import ai.cpift.core.progress.ProgressListener;
import ai.cpift.core.region.CoreRegion;
import ai.cpift.core.region.CoreRegionParams;
import ai.cpift.events.Artifact;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.service.Platform;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Stage 2 for one fine-tuned task: its core region Ci (top p % of |θi − θ0| over the whole model) as a
 * mask file at {@link ObjectKeys#mask}. A mask already stored for the same base and probe weights (its
 * header names both digests) and the same p is reused, so a redelivered or repeated event computes and
 * uploads nothing.
 */
@ApplicationScoped
public class ComputeMask {
    private static final Logger LOG = Logger.getLogger(ComputeMask.class);
    private final Platform platform;

    public ComputeMask(Platform platform) {
        this.platform = platform;
    }

    /** The mask of {@code in}'s task, stored; {@code meta} is the answer's. */
    public MaskComputed apply(TaskFineTuned in, EventMeta meta) throws IOException {
        String p = in.meta().pipeline();
        String key = ObjectKeys.mask(p, in.task());
        ObjectStore store = platform.store();
        Path work = platform.workDir("mask", p, in.task());
        Places places = new Places().add(work.resolve("base"), in.base().prefix()).add(work.resolve("probe"), in.probe().prefix())
                .add(work.resolve("stored.mask"), key).add(work.resolve("core.mask"), key);
        try {
            CheckpointWriter.deleteTree(work);
            Optional<Artifact> stored = store.stat(key);
            Optional<String> baseSha = WeightsDigest.known(in.base());
            Optional<String> probeSha = WeightsDigest.known(in.probe());
            if (stored.isPresent() && baseSha.isPresent() && probeSha.isPresent()) {
                Optional<MaskComputed> reused = reuse(in, meta, stored.get(), baseSha.get(), probeSha.get(), work);
                if (reused.isPresent()) {
                    return reused.get();
                }
                stored = Optional.empty();
            }
            Path base = store.getFolder(in.base(), work.resolve("base"));
            Path probe = store.getFolder(in.probe(), work.resolve("probe"));
            try (Checkpoint b = Checkpoint.open(base); Checkpoint t = Checkpoint.open(probe)) {
                String bSha = baseSha.isPresent() ? baseSha.get() : CheckpointDigest.sha256(b);
                String tSha = probeSha.isPresent() ? probeSha.get() : CheckpointDigest.sha256(t);
                if (stored.isPresent()) {
                    Optional<MaskComputed> reused = reuse(in, meta, stored.get(), bSha, tSha, work);
                    if (reused.isPresent()) {
                        return reused.get();
                    }
                }
                CoreRegionParams params = CoreRegionParams.of(in.settings().topPercent()).withThreads(platform.config().threads());
                CoreRegion.Result r = CoreRegion.compute(b, t, params, in.task(), bSha, tSha, ProgressListener.NONE);
                Path file = work.resolve("core.mask");
                MaskFile.write(file, r.header(), r.bitmaps());
                Artifact mask = store.putFile(key, file);
                LOG.infof("task %s: %,d core elements of %,d (top %s %%) stored at %s", in.key(), r.header().selected(),
                        r.header().totalElements(), in.settings().topPercent(), key);
                return event(in, meta, mask, r.header());
            }
        } catch (IOException e) {
            throw new IOException("mask of task " + in.key() + " (base " + in.base().prefix() + ", probe " + in.probe().prefix() + "): "
                    + places.keys(e.getMessage()), e);
        } finally {
            CheckpointWriter.deleteTree(work);
        }
    }

    /** The stored mask's answer if it was computed from these weights with this p, else empty (it is then recomputed). */
    private Optional<MaskComputed> reuse(TaskFineTuned in, EventMeta meta, Artifact stored, String baseSha, String probeSha, Path work)
            throws IOException {
        CoreMask m = MaskFile.read(platform.store().get(stored, work.resolve("stored.mask")));
        MaskHeader h = m.header();
        boolean same = h.task().equals(in.task()) && h.mode() == MaskMode.GLOBAL && h.topPercent() == in.settings().topPercent()
                && h.baseSha256().equals(baseSha) && h.tunedSha256().equals(probeSha);
        if (!same) {
            LOG.infof("task %s: the stored mask %s was computed from other weights or settings; computing it again", in.key(), stored.key());
            return Optional.empty();
        }
        LOG.infof("task %s: reusing the stored mask %s (sha256 %s)", in.key(), stored.key(), stored.sha256());
        return Optional.of(event(in, meta, stored, h));
    }

    private static MaskComputed event(TaskFineTuned in, EventMeta meta, Artifact mask, MaskHeader h) {
        return new MaskComputed(meta, in.task(), in.settings(), in.base(), in.train(), in.eval(), in.probe(), mask, h.selected(),
                h.threshold());
    }
}
