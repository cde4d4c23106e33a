package ai.cpift.cli.bench;

import ai.cpift.core.mask.CoreMask;
import ai.cpift.core.mask.MaskFile;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The generated mask files of the cluster benchmark: the existing tasks family by family, then one
 * new task of family 1 last.
 *
 * @param files    the mask files, the new task's last
 * @param families each file's family
 * @param tasks    each file's task name
 */
record MaskSet(List<Path> files, List<Integer> families, List<String> tasks) {
    static final int NEW_TASK_FAMILY = 1;

    static MaskSet generate(SyntheticMasks gen, List<SyntheticMasks.Family> families, long seed, Path dir, int threads,
                            PrintStream log) throws Exception {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<Path> files = new ArrayList<>();
        List<Integer> familyOf = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Path newFile = null;
        String newTask = "f" + NEW_TASK_FAMILY + "-new";
        for (int f = 0; f < families.size(); f++) {
            SyntheticMasks.Family fam = families.get(f);
            long[] pool = gen.pool(seeds.nextLong());
            List<Callable<Void>> jobs = new ArrayList<>();
            int count = fam.size() + (f == NEW_TASK_FAMILY ? 1 : 0);
            for (int i = 0; i < count; i++) {
                boolean isNew = i == fam.size();
                String task = isNew ? newTask : String.format("f%d-task%02d", f, i);
                Path file = dir.resolve(task + ".mask");
                long taskSeed = seeds.nextLong();
                jobs.add(() -> {
                    gen.write(file, task, pool, fam.share(), taskSeed);
                    return null;
                });
                if (isNew) {
                    newFile = file;
                } else {
                    files.add(file);
                    familyOf.add(f);
                    names.add(task);
                }
            }
            parallel(jobs, threads);
            log.printf("bench cluster: family %d: %d masks written%n", f, count);
        }
        files.add(newFile);
        familyOf.add(NEW_TASK_FAMILY);
        names.add(newTask);
        return new MaskSet(List.copyOf(files), List.copyOf(familyOf), List.copyOf(names));
    }

    static List<CoreMask> readAll(List<Path> files, int threads) throws Exception {
        return parallel(files.stream().<Callable<CoreMask>>map(f -> () -> MaskFile.read(f)).toList(), threads);
    }

    private static <T> List<T> parallel(List<Callable<T>> jobs, int threads) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> job : jobs) {
                futures.add(pool.submit(job));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
