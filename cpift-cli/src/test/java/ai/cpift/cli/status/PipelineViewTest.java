package ai.cpift.cli.status;

import ai.cpift.cli.TestEvents;
import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.ObjectKeys;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status view on hand-made event sequences: given events, then the state, the outcome and the lines. */
class PipelineViewTest {
    static final String P = "view";

    static PipelineView view(List<? extends CpiftEvent> events) {
        PipelineView v = new PipelineView(P);
        events.forEach(v::apply);
        return v;
    }

    static TaskStatus task(PipelineView v, String name) {
        return v.tasks().stream().filter(t -> t.task().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void followsEachTaskThroughItsStagesAndAGenerationToItsScoreTable() {
        List<CpiftEvent> chain = TestEvents.fullChain(P);
        TaskRegistered ra = (TaskRegistered) chain.get(0);

        PipelineView v = view(List.of(chain.get(0), chain.get(1), TestEvents.progress(ra, 4, 10)));
        assertEquals(TaskStatus.PROBING, task(v, "a").phase());
        assertEquals(TaskStatus.REGISTERED, task(v, "b").phase());
        assertEquals(PipelineView.Outcome.RUNNING, v.outcome());
        String line = StatusPrinter.lines(v).get(1);
        // 4 of 10 steps: 8 of 20 cells.
        assertEquals("  a     probing     [########            ] 4/10  loss 1.5000  2,000 tok/s", line);

        v = view(chain.subList(0, 6));
        assertEquals(TaskStatus.MASKED, task(v, "a").phase());
        assertEquals(12, task(v, "a").coreElements());
        assertEquals(Map.of("base", 0.0, "probe", 90.0), task(v, "a").scores());
        assertFalse(v.finished(), "both tasks masked but no grouping yet");

        ModelFused f = (ModelFused) chain.get(7);
        List<CpiftEvent> running = new ArrayList<>(chain.subList(0, 8));
        running.add(TestEvents.consolidating(f, 2, 2, 3, 5));
        v = view(running);
        GenerationStatus g = v.generations().iterator().next();
        assertEquals(GenerationStatus.CONSOLIDATING, g.phase());
        assertEquals(2, g.stage());
        assertEquals(2, g.stages());
        assertEquals(List.of(List.of("a"), List.of("b")), g.groups());
        assertTrue(StatusPrinter.lines(v).contains("generation 1: consolidating, stage 2/2 [############        ] 3/5  loss 0.5000  3,000 tok/s"),
                StatusPrinter.lines(v).toString());

        v = view(chain);
        assertEquals(PipelineView.Outcome.DONE, v.outcome());
        List<String> lines = StatusPrinter.lines(v);
        assertEquals("pipeline view: 2 task(s), 1 generation(s), done", lines.getFirst());
        int head = lines.indexOf("  task          base         probe         fused  consolidated");
        assertTrue(head > 0, lines.toString());
        assertEquals("  a             0.0%         90.0%         70.0%         85.0%", lines.get(head + 1));
    }

    @Test
    void theOrderEventsAreReadInDoesNotMatter() {
        List<CpiftEvent> chain = new ArrayList<>(TestEvents.fullChain(P));
        Collections.reverse(chain);
        PipelineView v = view(chain);
        assertEquals(PipelineView.Outcome.DONE, v.outcome());
        assertEquals(TaskStatus.MASKED, task(v, "b").phase());
        assertEquals(GenerationStatus.CONSOLIDATED, v.generations().iterator().next().phase());
        // A late progress report does not move a masked task back to probing.
        v.apply(TestEvents.progress((TaskRegistered) chain.getLast(), 9, 10));
        assertEquals(TaskStatus.MASKED, task(v, "a").phase());
    }

    @Test
    void aFailedTaskEndsThePipelineWithFailureOnceTheOthersAreConsolidated() {
        List<CpiftEvent> chain = TestEvents.fullChain(P);
        TaskRegistered rb = (TaskRegistered) chain.get(1);
        MaskComputed ma = (MaskComputed) chain.get(4);
        ClustersFormed c = TestEvents.clusters(ma, 1, List.of(ma), TestEvents.artifact(ObjectKeys.grouping(P, 1), 70));
        ModelFused f = TestEvents.fused(c, TestEvents.model(ObjectKeys.fused(P, 1), 80));
        ModelConsolidated done = TestEvents.consolidated(f, List.of(TestEvents.model(ObjectKeys.stage(P, 1, 1), 90)),
                TestEvents.artifact(ObjectKeys.report(P, 1), 110), Map.of());
        List<CpiftEvent> events = List.of(chain.get(0), rb, chain.get(2), ma,
                TestEvents.failed(rb, "trainer", "dataset train.jsonl line 3: field 'response' missing"), c, f);
        PipelineView v = view(events);
        assertEquals(TaskStatus.FAILED, task(v, "b").phase());
        assertEquals("trainer: dataset train.jsonl line 3: field 'response' missing", task(v, "b").failure());
        assertEquals(PipelineView.Outcome.RUNNING, v.outcome(), "generation 1 is not consolidated yet");
        v.apply(done);
        assertEquals(PipelineView.Outcome.FAILED, v.outcome());
        assertTrue(StatusPrinter.lines(v).contains("  b     failed      trainer: dataset train.jsonl line 3: field 'response' missing"));
    }

    @Test
    void aFailureAnsweringAGenerationsEventFailsThatGeneration() {
        List<CpiftEvent> chain = TestEvents.fullChain(P);
        ModelFused f = (ModelFused) chain.get(7);
        PipelineView v = view(chain.subList(0, 8));
        v.apply(TestEvents.failed(f, "trainer", "stage 2 changed 3 frozen elements"));
        GenerationStatus g = v.generations().iterator().next();
        assertEquals(GenerationStatus.FAILED, g.phase());
        assertEquals(PipelineView.Outcome.FAILED, v.outcome());
        assertTrue(v.pipelineFailures().isEmpty());
    }

    @Test
    void otherPipelinesAreIgnoredAndScoresOfAFineTunedTaskShow() {
        List<CpiftEvent> other = TestEvents.fullChain("other");
        TaskRegistered ra = (TaskRegistered) TestEvents.fullChain(P).get(0);
        TaskFineTuned fa = (TaskFineTuned) TestEvents.fullChain(P).get(2);
        List<CpiftEvent> events = new ArrayList<>(other);
        events.add(ra);
        events.add(fa);
        PipelineView v = view(events);
        assertEquals(2, v.events());
        assertEquals(1, v.tasks().size());
        assertTrue(v.generations().isEmpty());
        assertNull(task(v, "a").failure());
        assertEquals("  a     fine-tuned  exact match base 0.0%, probe 90.0%", StatusPrinter.lines(v).get(1));
    }
}
