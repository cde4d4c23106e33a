package ai.cpift.core.fusion;

import ai.cpift.core.checkpoint.Checkpoint;
import ai.cpift.core.checkpoint.CheckpointWriter;
import ai.cpift.core.safetensors.TensorInfo;
import ai.cpift.core.safetensors.TensorSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Runs the tensors of a fusion on a fixed pool of worker threads. Each floating tensor is a
 * small graph of jobs: its Gram chunks in parallel, then (once their sum gives the SLERP
 * coefficients) its output chunks in parallel. Tensors are started in name order, a bounded
 * number at a time, and the queue serves the earliest tensor's jobs first, so the page cache is
 * walked in order, each tensor's second pass finds it still cached, and the queue stays short.
 * The first failure stops new work; jobs already queued return at once.
 */
final class FusionScheduler {
    /** Tensors in flight per worker: enough to keep the workers busy between tensors, few enough to keep the queue short. */
    private static final int TENSORS_IN_FLIGHT_PER_THREAD = 2;

    private final FusionInputs in;
    private final FusionOptions options;
    private final FusionProgress progress;
    private final PairKernel kernel;
    private final int n;
    private final double[] weights;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private ThreadLocal<FusionScratch> scratch;
    private ThreadPoolExecutor pool;
    private final AtomicLong sequence = new AtomicLong();
    private int tensorsDone;
    private long bytesDone;

    FusionScheduler(FusionInputs in, FusionOptions options, FusionProgress progress, PairKernel kernel) {
        this.in = in;
        this.kernel = kernel;
        this.options = options;
        this.progress = progress;
        this.n = in.tasks.size();
        this.weights = in.weights();
    }

    List<TensorFusion> run(List<TensorInfo> tensors, List<TensorSpec> specs, CheckpointWriter w) throws IOException {
        int block = Math.min(Math.max(TensorFuser.BLOCK, TensorFuser.PAIR_BLOCK), options.chunkElements());
        int gramBlock = TensorFuser.gramBlock(Math.min(TensorFuser.BLOCK, options.chunkElements()));
        scratch = ThreadLocal.withInitial(() -> new FusionScratch(n, block, gramBlock));
        AtomicInteger threadNo = new AtomicInteger();
        pool = new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "cpift-fuse-" + threadNo.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        long bytesTotal = specs.stream().mapToLong(TensorSpec::byteLength).sum();
        TensorFusion[] results = new TensorFusion[tensors.size()];
        Semaphore inFlight = new Semaphore(options.threads() * TENSORS_IN_FLIGHT_PER_THREAD);
        List<CompletableFuture<?>> all = new ArrayList<>();
        try {
            for (int i = 0; i < tensors.size() && failure.get() == null; i++) {
                inFlight.acquireUninterruptibly();
                TensorInfo t = tensors.get(i);
                TensorSpec spec = specs.get(i);
                // The writer's bookkeeping is single-threaded: mark the tensor filled here, not in a worker.
                // Its bytes are written with positional writes (TensorFuser.Output), not through this slice.
                w.tensor(t.name());
                CompletableFuture<TensorFusion> f = t.dtype().isFloating()
                        ? fuse(i, fuser(t, spec, (off, bytes) -> w.write(t.name(), off, bytes)))
                        : CompletableFuture.supplyAsync(() -> copy(t, spec, w), at(i, 0));
                int idx = i;
                all.add(f.whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, unwrap(e));
                    } else {
                        results[idx] = r;
                        done(r, tensors.size(), bytesTotal);
                    }
                    inFlight.release();
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).join();
        } finally {
            pool.shutdownNow();
        }
        Throwable e = failure.get();
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return Arrays.asList(results);
    }

    private TensorFuser fuser(TensorInfo t, TensorSpec spec, TensorFuser.Output out) throws IOException {
        List<TensorInfo> infos = new ArrayList<>();
        for (Checkpoint c : in.checkpoints) {
            infos.add(c.info(t.name()));
        }
        CoreTransplant cores = new CoreTransplant(t, in.base, in.masks.stream().map(m -> m.bitmap(t.name())).toList(),
                TensorFuser.pairsLayout(infos));
        return new TensorFuser(t, infos, new TaskWindows(infos, in.checkpoints), in.tasks.stream().map(FusionTask::name).toList(), cores, spec.dtype(), out,
                options.chunkElements(), kernel);
    }

    /** The Gram chunks in parallel, then, from their sum, the SLERP coefficients and the output chunks in parallel. */
    private CompletableFuture<TensorFusion> fuse(int tensor, TensorFuser f) {
        List<CompletableFuture<double[]>> grams = IntStream.range(0, f.chunks())
                .mapToObj(c -> CompletableFuture.supplyAsync(() -> {
                    live();
                    try {
                        return f.gram(c, scratch.get());
                    } catch (FusionInputException e) {
                        throw new CompletionException(e);
                    }
                }, at(tensor, 0))).toList();
        return CompletableFuture.allOf(grams.toArray(CompletableFuture[]::new)).thenComposeAsync(v -> {
            double[] coef = Slerp.mergeCoefficients(f.sumGram(grams.stream().map(CompletableFuture::join).toList()), weights);
            List<CompletableFuture<long[]>> parts = IntStream.range(0, f.chunks())
                    .mapToObj(c -> CompletableFuture.supplyAsync(() -> {
                        live();
                        return f.write(c, coef, scratch.get());
                    }, at(tensor, 1))).toList();
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .thenApply(x -> report(f, coef, parts.stream().map(CompletableFuture::join).toList()));
        }, at(tensor, 1));
    }

    /**
     * An executor whose jobs run before those of later tensors and later passes: a tensor's output
     * pass starts as soon as its Gram pass ends, while its bytes are still in the CPU caches, and
     * idle workers take the next tensor's first pass meanwhile.
     */
    private Executor at(int tensor, int pass) {
        long key = (long) tensor << 1 | pass;
        return r -> pool.execute(new Job(key, sequence.getAndIncrement(), r));
    }

    private record Job(long key, long seq, Runnable task) implements Runnable, Comparable<Job> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Job o) {
            int c = Long.compare(key, o.key);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private TensorFusion report(TensorFuser f, double[] coef, List<long[]> parts) {
        long[] sum = new long[n + 1];
        for (long[] p : parts) {
            for (int i = 0; i <= n; i++) {
                sum[i] += p[i];
            }
        }
        TensorInfo t = f.base();
        List<Long> core = in.masks.stream().map(m -> m.bitmap(t.name()).getLongCardinality()).toList();
        return new TensorFusion(t.name(), t.dtype(), CoreFusion.outputDtype(t, options), t.numel(), true,
                Arrays.stream(coef, 0, n).boxed().toList(), (int) coef[n], core,
                Arrays.stream(sum, 0, n).boxed().toList(), sum[n]);
    }

    private TensorFusion copy(TensorInfo t, TensorSpec spec, CheckpointWriter w) {
        live();
        try {
            w.write(t.name(), 0, in.base.data(t));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Long> zeros = java.util.Collections.nCopies(n, 0L);
        return new TensorFusion(t.name(), t.dtype(), spec.dtype(), t.numel(), false, List.of(), 0, zeros, zeros, 0);
    }

    private void live() {
        if (failure.get() != null) {
            throw new CancellationException("an earlier tensor failed");
        }
    }

    private synchronized void done(TensorFusion r, int tensorsTotal, long bytesTotal) {
        tensorsDone++;
        bytesDone += r.outputBytes();
        progress.update(tensorsDone, tensorsTotal, bytesDone, bytesTotal);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof UncheckedIOException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
