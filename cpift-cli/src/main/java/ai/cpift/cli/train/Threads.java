package ai.cpift.cli.train;

/**
 * PyTorch's intra-op thread count for a command, set before the engine starts. Changing it later
 * ({@code torch.set_num_threads} on a running engine) changes the speed but was seen to leave runs
 * non-reproducible: two identical runs started with two threads and switched to one ended with
 * different weights, while runs started with one thread were bit-identical.
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
