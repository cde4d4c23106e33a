package ai.cpift.core.region;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a body over chunks on a few threads. Either each thread takes the next free chunk (balances
 * best), or each thread owns a contiguous run of chunks (then thread w's chunks all precede thread
 * w+1's, so the per-thread outputs concatenate into one sorted sequence and share few tensors).
 * Either way the chunks any one thread sees come in ascending order: per-thread outputs stay sorted.
 */
final class ChunkRunner {
    /** One worker's view: its own state plus the chunk to process. Returns false to stop everyone. */
    interface Body<S> {
        boolean run(S state, int chunk);
    }

    private ChunkRunner() {
    }

    /**
     * @return each worker's state, in worker order; {@code stopped[0]} is set when a body returned false
     */
    static <S> List<S> run(int threads, int chunks, Supplier<S> stateFactory, Body<S> body, boolean[] stopped) {
        return run(threads, chunks, false, stateFactory, body, stopped);
    }

    static <S> List<S> run(int threads, int chunks, boolean contiguous, Supplier<S> stateFactory, Body<S> body, boolean[] stopped) {
        int n = Math.max(1, Math.min(threads, chunks));
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<S> states = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            states.add(stateFactory.get());
        }
        Runnable[] workers = new Runnable[n];
        for (int w = 0; w < n; w++) {
            S state = states.get(w);
            int from = (int) ((long) w * chunks / n);
            int to = (int) ((long) (w + 1) * chunks / n);
            workers[w] = contiguous ? () -> {
                for (int c = from; !stop.get() && c < to; c++) {
                    if (!body.run(state, c)) {
                        stop.set(true);
                    }
                }
            } : () -> {
                for (int c; !stop.get() && (c = next.getAndIncrement()) < chunks; ) {
                    if (!body.run(state, c)) {
                        stop.set(true);
                    }
                }
            };
        }
        if (n == 1) {
            workers[0].run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "cpift-scan");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (Runnable r : workers) {
                    fs.add(pool.submit(r));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        if (stopped != null && stopped.length > 0) {
            stopped[0] = stop.get();
        }
        return states;
    }
}
