package ai.cpift.core.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * S(Ci, Cj) for every pair of N tasks, kept as exact counts (|Ci| and |Ci ∩ Cj|) from which
 * {@link #get} derives S. Symmetric; the diagonal is S(Ci, Ci): 1, or 0 for an empty core (see
 * {@link Jaccard}). Immutable.
 *
 * <p>{@link #compute} fills it in parallel, one row at a time: row i is the pairs (i, j > i),
 * which share one expansion of mask i in the kernel; threads take rows longest first from a shared
 * counter. {@link #extend} adds one task by computing only its row, split over threads by column.
 */
public final class JaccardMatrix {
    private final List<String> tasks;
    private final long[] sizes;
    private final long[][] inter; // [N][N], symmetric, inter[i][i] = sizes[i]

    private JaccardMatrix(List<String> tasks, long[] sizes, long[][] inter) {
        this.tasks = List.copyOf(tasks);
        this.sizes = sizes;
        this.inter = inter;
    }

    /** The matrix of {@code masks} (in that order) on {@code threads} threads; checks the masks are comparable. */
    public static JaccardMatrix compute(List<PackedMask> masks, int threads) {
        MaskChecks.requireComparable(masks.stream().map(PackedMask::checkEntry).toList());
        int n = masks.size();
        long[][] inter = new long[n][n];
        AtomicInteger nextRow = new AtomicInteger();
        parallel(threads, () -> {
            IntersectionKernel kernel = new IntersectionKernel();
            for (int i = nextRow.getAndIncrement(); i < n - 1; i = nextRow.getAndIncrement()) {
                long[] row = new long[n - i - 1];
                kernel.countRow(masks.get(i), masks, i + 1, n, row);
                System.arraycopy(row, 0, inter[i], i + 1, row.length);
            }
            return null;
        });
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = masks.get(i).cardinality();
            inter[i][i] = sizes[i];
            for (int j = i + 1; j < n; j++) {
                inter[j][i] = inter[i][j];
            }
        }
        return new JaccardMatrix(masks.stream().map(PackedMask::task).toList(), sizes, inter);
    }

    /**
     * This matrix with one more task, {@code added}, appended as the last row and column; only the
     * new row is computed. {@code existing} are the packed masks this matrix was computed from, in
     * its order.
     */
    public JaccardMatrix extend(List<PackedMask> existing, PackedMask added, int threads) {
        if (!existing.stream().map(PackedMask::task).toList().equals(tasks)) {
            throw new IllegalArgumentException("the existing masks hold tasks " + existing.stream().map(PackedMask::task).toList()
                    + " but the matrix was computed for " + tasks + ": pass the masks the matrix was computed from, in its order");
        }
        List<PackedMask> all = new ArrayList<>(existing);
        all.add(added);
        MaskChecks.requireComparable(all.stream().map(PackedMask::checkEntry).toList());
        long[] row = intersections(added, existing, threads);
        int n = tasks.size();
        long[][] grown = new long[n + 1][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inter[i], 0, grown[i], 0, n);
            grown[i][n] = row[i];
            grown[n][i] = row[i];
        }
        grown[n][n] = added.cardinality();
        long[] sizes = java.util.Arrays.copyOf(this.sizes, n + 1);
        sizes[n] = added.cardinality();
        List<String> names = new ArrayList<>(tasks);
        names.add(added.task());
        return new JaccardMatrix(names, sizes, grown);
    }

    /**
     * |added ∩ others[j]| for every j, on {@code threads} threads (each takes a run of columns of
     * about equal total size). Does not check the masks; {@link #extend} does.
     */
    static long[] intersections(PackedMask added, List<PackedMask> others, int threads) {
        int n = others.size();
        long[] out = new long[n];
        int parts = Math.max(1, Math.min(threads, n));
        long total = others.stream().mapToLong(PackedMask::cardinality).sum() + n;
        List<Callable<Void>> jobs = new ArrayList<>();
        int from = 0;
        long acc = 0;
        for (int p = 1; p <= parts && from < n; p++) {
            int to = from;
            while (to < n && (p == parts || acc < total * p / parts)) {
                acc += others.get(to++).cardinality() + 1;
            }
            int f = from;
            int t = to;
            jobs.add(() -> {
                long[] part = new long[t - f];
                new IntersectionKernel().countRow(added, others, f, t, part);
                System.arraycopy(part, 0, out, f, part.length);
                return null;
            });
            from = to;
        }
        run(jobs);
        return out;
    }

    /** Task names in matrix order. */
    public List<String> tasks() {
        return tasks;
    }

    public int size() {
        return tasks.size();
    }

    /** |Ci|. */
    public long cardinality(int i) {
        return sizes[i];
    }

    /** |Ci ∩ Cj|. */
    public long intersection(int i, int j) {
        return inter[i][j];
    }

    /** S(Ci, Cj). */
    public double get(int i, int j) {
        return Jaccard.similarity(sizes[i], sizes[j], inter[i][j]);
    }

    /** A fresh copy of S as a square array. */
    public double[][] toArray() {
        int n = size();
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = get(i, j);
            }
        }
        return s;
    }

    private static void parallel(int threads, Callable<Void> worker) {
        List<Callable<Void>> jobs = new ArrayList<>();
        for (int t = 0; t < Math.max(1, threads); t++) {
            jobs.add(worker);
        }
        run(jobs);
    }

    private static void run(List<Callable<Void>> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        if (jobs.size() == 1) {
            try {
                jobs.getFirst().call();
                return;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(jobs.size())) {
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> job : jobs) {
                done.add(pool.submit(job));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing Jaccard similarities", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
