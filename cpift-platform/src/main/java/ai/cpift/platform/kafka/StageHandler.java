package ai.cpift.platform.kafka;

import ai.cpift.events.CpiftEvent;

import java.util.List;

/**
 * A service's use case: one input event in, the events it causes out. The outputs are published in one
 * Kafka transaction with the input's offset, so an input is answered exactly once. An exception becomes
 * a {@code stage-failed} event with its message as the reason (make it name the input, the place and
 * the fix); the worker then goes on with the next input.
 */
@FunctionalInterface
public interface StageHandler {
    List<CpiftEvent> handle(CpiftEvent input, StageContext context) throws Exception;
}
