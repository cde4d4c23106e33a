package ai.cpift.cli.train;

/**
 * PyTorch's intra-op thread count for a command, set before the engine starts, so that the engine's
 * pools are made with it rather than resized later. (Runs switched from two threads to one were once
 * seen to differ from each other; that was the freed-scalar defect described in
 * {@code ai.cpift.model.engine.Scalars}, and since its fix they give the bits of runs started with one.)
 */
public final class Threads {
    private Threads() {
    }

    /** With {@code threads > 0}, the engine (if it has not started yet) starts with that many threads. */
    public static void beforeEngineStarts(int threads) {
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
    }
}
