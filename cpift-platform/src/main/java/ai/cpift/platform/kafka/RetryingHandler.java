package ai.cpift.platform.kafka;

import ai.cpift.events.CpiftEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A handler tried again after 2, 4 and 8 s when it failed because a server did not answer (a broker or
 * S3 restarting): such a failure says nothing about the input, so it must not become a stage-failed at
 * once. Any other failure is the input's and is not retried.
 */
final class RetryingHandler implements StageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingHandler.class);
    private static final int RETRIES = 3;

    private final StageHandler handler;
    private final String source;

    RetryingHandler(StageHandler handler, String source) {
        this.handler = handler;
        this.source = source;
    }

    @Override
    public List<CpiftEvent> handle(CpiftEvent in, StageContext context) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return handler.handle(in, context);
            } catch (Exception e) {
                if (attempt > RETRIES || !Failures.unreachable(e)) {
                    throw e;
                }
                long wait = 1000L << attempt;
                LOG.warn("{}: {} {} attempt {} failed, a server did not answer ({}); trying again in {} s", source, in.type(),
                        in.meta().id(), attempt, e.toString(), wait / 1000);
                Thread.sleep(wait);
            }
        }
    }
}
