package ai.cpift.platform.kafka;

import ai.cpift.events.ClustersFormed;
import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventMeta;
import ai.cpift.events.MaskComputed;
import ai.cpift.events.ModelConsolidated;
import ai.cpift.events.ModelFused;
import ai.cpift.events.StageFailed;
import ai.cpift.events.TaskFineTuned;
import ai.cpift.events.TaskRegistered;
import ai.cpift.events.TrainingProgressed;

/** Turns a handler's exception into the stage-failed event that answers its input. */
public final class Failures {
    private Failures() {
    }

    public static StageFailed stageFailed(CpiftEvent in, String stage, String source, Throwable error) {
        return new StageFailed(EventMeta.causedBy(in, source), stage, in.key(), taskOf(in), in.type(), reason(error));
    }

    /** The task an event is about, or null for a pipeline's event. */
    public static String taskOf(CpiftEvent e) {
        return switch (e) {
            case TaskRegistered t -> t.task();
            case TaskFineTuned t -> t.task();
            case MaskComputed t -> t.task();
            case StageFailed t -> t.task();
            case ClustersFormed c -> null;
            case ModelFused m -> null;
            case ModelConsolidated m -> null;
            case TrainingProgressed p -> null;
        };
    }

    /** Whether {@code error} comes from a server that did not answer (connection refused or reset, timeout). */
    public static boolean unreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /** The message chain, outermost first, with the exception's type where it has no message. */
    static String reason(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = error; t != null && b.length() < 2000; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) < 0) {
                b.append(b.isEmpty() ? "" : "; caused by: ").append(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }
}
