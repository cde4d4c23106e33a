package ai.cpift.cli.audit;

import ai.cpift.cli.TestEvents;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.platform.kafka.LoggedEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lineage checks on hand-made logs: a complete chain passes, each kind of break is named. */
class AuditTest {
    static final String P = "aud";

    static AuditReport audit(List<CpiftEvent> events) {
        return Audit.of(P, TestEvents.logged(events.toArray(CpiftEvent[]::new)));
    }

    @Test
    void aCompleteChainIsIntactWithEveryObjectOnce() throws Exception {
        List<CpiftEvent> chain = TestEvents.fullChain(P);
        List<CpiftEvent> withOther = new ArrayList<>(chain);
        withOther.addAll(TestEvents.fullChain("other"));
        AuditReport r = audit(withOther);
        assertEquals(List.of(), r.problems());
        assertEquals(chain.stream().map(e -> e.meta().id()).toList(), r.events().stream().map(AuditEntry::id).toList());
        // Counted by hand: base 2 files, train a/b, eval a, probes 2x2, masks 2, groups.json, fused 2, stages 2x2, report.
        assertEquals(2 + 3 + 4 + 2 + 1 + 2 + 4 + 1, r.artifacts().size());
        AuditedArtifact base = r.artifacts().getFirst();
        assertEquals(ObjectKeys.base(P) + "config.json", base.key());
        assertEquals(TestEvents.sha(1), base.sha256());
        assertEquals(List.of("reg-a", "reg-b", "ft-a", "ft-b", "mask-a", "mask-b", "clu-1", "fus-1"), base.events());
        AuditedArtifact last = r.artifacts().stream().filter(a -> a.key().equals(ObjectKeys.stage(P, 1, 2) + "model.safetensors"))
                .findFirst().orElseThrow();
        assertEquals(List.of("con-1"), last.events());
        assertTrue(r.lines().getLast().equals("lineage complete and intact"));
        assertEquals(r.artifacts().size(), r.json().get("artifacts").size());

        // A verifier that finds one object changed: the report names it, by the first event that names it.
        AuditReport v = r.verified(a -> a.key().equals(ObjectKeys.mask(P, "b")) ? Optional.of("stored 1 bytes") : Optional.empty());
        assertEquals(List.of("object " + ObjectKeys.mask(P, "b") + " (named by event mask-b): stored 1 bytes"), v.problems());
        assertEquals(false, v.json().get("intact").asBoolean());
    }

    @Test
    void anOrphanANoCauseEventAndADuplicateAnswerAreNamed() {
        List<CpiftEvent> chain = TestEvents.fullChain(P);
        TaskRegistered ra = (TaskRegistered) chain.get(0);
        TaskFineTuned fa = (TaskFineTuned) chain.get(2);
        // The same stage answering ra twice (a redelivery that was not deduplicated).
        TaskFineTuned again = new TaskFineTuned(new EventMeta("ft-a-2", P, ra.meta().id(), "trainer/x", Instant.EPOCH), fa.task(),
                fa.settings(), fa.base(), fa.train(), fa.eval(), fa.probe(), fa.steps(), fa.tokens(), fa.seconds(), fa.scores());
        MaskComputed orphan = TestEvents.masked(fa, TestEvents.artifact(ObjectKeys.mask(P, "a"), 50), 12);
        MaskComputed noCause = new MaskComputed(new EventMeta("mask-x", P, null, "mask/y", Instant.EPOCH), "a", fa.settings(), fa.base(),
                fa.train(), fa.eval(), fa.probe(), TestEvents.artifact(ObjectKeys.mask(P, "a"), 50), 12, 1e-3);
        AuditReport r = audit(List.of(ra, again, fa, noCause));
        assertEquals(List.of("duplicate answer: ai.cpift.task.finetuned.v1 ft-a-2 and ft-a both answer event reg-a",
                "ai.cpift.mask.computed.v1 mask-x from mask/y names no cause; only a task registration comes from a user, every stage's "
                        + "event answers another"), r.problems());
        r = audit(List.of(orphan));
        assertEquals(List.of("ai.cpift.mask.computed.v1 mask-a from test names cause ft-a, which is not in the log of pipeline aud (orphan)"),
                r.problems());
    }

    @Test
    void oneKeyWithTwoHashesAndAnEventTwiceAreNamed() {
        List<CpiftEvent> chain = TestEvents.fullChain(P);
        TaskRegistered ra = (TaskRegistered) chain.get(0);
        TaskRegistered changed = TestEvents.registered(P, "c", ra.base(), TestEvents.artifact(ObjectKeys.trainData(P, "a"), 99), null);
        List<LoggedEvent> log = new ArrayList<>(TestEvents.logged(ra, changed, ra));
        AuditReport r = Audit.of(P, log);
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).startsWith("event id reg-a appears twice"), r.problems().toString());
        assertEquals("object " + ObjectKeys.trainData(P, "a") + " is recorded as 110 bytes with sha256 " + TestEvents.sha(10)
                + " by event reg-a but as 199 bytes with sha256 " + TestEvents.sha(99) + " by event reg-c: it was overwritten", r.problems().get(1));
    }
}
