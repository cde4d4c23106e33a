package ai.cpift.cluster.app;

import ai.cpift.cluster.Fixtures;
import ai.cpift.core.group.Grouping;
import ai.cpift.core.group.GroupingParams;
import ai.cpift.core.group.GroupingResult;
import ai.cpift.core.group.PackedMask;
import ai.cpift.core.mask.MaskFile;
import ai.cpift.events.Artifact;
import ai.cpift.events.EventIds;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.PipelineSettings;
import ai.cpift.local.CpiftStackResource;
import ai.cpift.local.StackEndpoints;
import ai.cpift.platform.store.IntegrityException;
import ai.cpift.platform.store.ObjectMissingException;
import ai.cpift.platform.store.ObjectStore;
import ai.cpift.platform.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bucket-backed grouping against the test stack's S3 server: checked downloads, stored result, reuse. */
class StoredGroupingTest {
    static final PipelineSettings SETTINGS = Fixtures.settings(0.3, 11);
    static ObjectStore store;
    @TempDir
    Path dir;
    final AtomicInteger workDirs = new AtomicInteger();

    @BeforeAll
    static void connect() throws IOException {
        StackEndpoints e = CpiftStackResource.endpoints();
        store = ObjectStore.connect(new StoreConfig(e.s3Endpoint(), e.accessKey(), e.secretKey(), e.bucket()));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void groupsStoresAndReusesTheStoredResult() throws Exception {
        String p = "sg-" + EventIds.random().substring(0, 8);
        List<MaskComputed> masks = List.of(upload(p, "a", 0, 10), upload(p, "b", 5, 15), upload(p, "c", 100, 110));
        GroupingOutcome first = grouping().group(p, 1, masks);

        GroupingResult direct = Grouping.group(PackedMask.ofAll(List.of(MaskFile.read(dir.resolve("a.mask")),
                MaskFile.read(dir.resolve("b.mask")), MaskFile.read(dir.resolve("c.mask"))), 1), new GroupingParams(0.3, "random", 11), 1);
        assertEquals(direct.groups(), first.result().groups());
        assertArrayEquals(direct.jaccard()[1], first.result().jaccard()[1]);
        assertEquals(1.0 / 3, first.result().jaccard()[0][1], 1e-12);
        assertEquals(ObjectKeys.grouping(p, 1), first.stored().key());
        assertEquals(first.stored(), store.stat(first.stored().key()).orElseThrow(), "groups.json is in the bucket as recorded");
        assertEquals(1, workDirs.get());
        assertTrue(Files.list(dir.resolve("work")).toList().isEmpty(), "downloads are removed: " + Files.list(dir.resolve("work")).toList());

        List<MaskComputed> again = masks.stream().map(m -> new MaskComputed(new EventMeta(EventIds.random(), p, null, "test", Instant.now()),
                m.task(), m.settings(), m.base(), m.train(), m.eval(), m.probe(), m.mask(), m.coreElements(), m.threshold())).toList();
        GroupingOutcome second = grouping().group(p, 1, again);
        assertEquals(first.stored(), second.stored());
        assertEquals(first.result().groups(), second.result().groups());
        assertEquals(first.result().order(), second.result().order());
        assertArrayEquals(first.result().jaccard()[0], second.result().jaccard()[0]);
        assertEquals(1, workDirs.get(), "the stored result was reused: no mask downloaded again");
    }

    @Test
    void aMissingOrAlteredMaskIsAnErrorNamingTheObject() throws Exception {
        String p = "sg-" + EventIds.random().substring(0, 8);
        MaskComputed a = upload(p, "a", 0, 10);
        MaskComputed never = Fixtures.mask(p, "b", SETTINGS, Fixtures.maskFile(dir, "b", 5, 15));
        ObjectMissingException missing = assertThrows(ObjectMissingException.class, () -> grouping().group(p, 1, List.of(a, never)));
        assertTrue(missing.getMessage().contains(ObjectKeys.mask(p, "b")), missing.getMessage());

        MaskComputed b = upload(p, "b", 5, 15);
        MaskComputed altered = new MaskComputed(b.meta(), b.task(), b.settings(), b.base(), b.train(), b.eval(), b.probe(),
                new Artifact(b.mask().key(), "f".repeat(64), b.mask().bytes()), b.coreElements(), b.threshold());
        IntegrityException bad = assertThrows(IntegrityException.class, () -> grouping().group(p, 1, List.of(a, altered)));
        assertTrue(bad.getMessage().contains(ObjectKeys.mask(p, "b")) && bad.getMessage().contains("fix:"), bad.getMessage());
        assertTrue(store.stat(ObjectKeys.grouping(p, 1)).isEmpty(), "nothing stored for a failed grouping");
    }

    private StoredGrouping grouping() {
        return new StoredGrouping(store, (p, g) -> {
            workDirs.incrementAndGet();
            try {
                return Files.createDirectories(dir.resolve("work"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 1);
    }

    private MaskComputed upload(String p, String task, int from, int to) throws IOException {
        Path f = Fixtures.maskFile(dir, task, from, to);
        Path named = Files.move(f, dir.resolve(task + ".mask"));
        store.putFile(ObjectKeys.mask(p, task), named);
        return Fixtures.mask(p, task, SETTINGS, named);
    }
}
