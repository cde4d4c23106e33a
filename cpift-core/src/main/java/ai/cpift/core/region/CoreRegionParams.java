package ai.cpift.core.region;

import ai.cpift.core.mask.MaskMode;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Hyper-parameters of the core-region stage.
 *
 * @param topPercent    p: the core holds ⌊p·D/100⌋ elements. The paper's default is 1 %; its ablation
 *                      found 0.5–2 % to work and larger cores to isolate too much.
 * @param mode          {@link MaskMode#GLOBAL} (the method) or per-tensor (an option)
 * @param threads       worker threads for the scans; the scans are memory-bound, so more than the cores
 *                      only adds contention
 * @param budgetBytes   memory the exact selection may use for its candidate list (12 bytes a candidate).
 *                      Past it the selection falls back to radix passes that need only 256 KiB, so the
 *                      result never depends on it, only the speed. Default: half the heap.
 */
public record CoreRegionParams(double topPercent, MaskMode mode, int threads, long budgetBytes) {
    public static final double DEFAULT_TOP_PERCENT = 1.0;

    public CoreRegionParams {
        if (!(topPercent > 0 && topPercent <= 100)) {
            throw new IllegalArgumentException("top percent must be in (0, 100], got " + topPercent
                    + "; the paper uses 1 (the core is the 1 % of elements that moved most)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("memory budget must not be negative, got " + budgetBytes);
        }
    }

    public static CoreRegionParams defaults() {
        return of(DEFAULT_TOP_PERCENT);
    }

    public static CoreRegionParams of(double topPercent) {
        return new CoreRegionParams(topPercent, MaskMode.GLOBAL, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / 2);
    }

    public CoreRegionParams withMode(MaskMode m) {
        return new CoreRegionParams(topPercent, m, threads, budgetBytes);
    }

    public CoreRegionParams withThreads(int t) {
        return new CoreRegionParams(topPercent, mode, t, budgetBytes);
    }

    public CoreRegionParams withBudgetBytes(long b) {
        return new CoreRegionParams(topPercent, mode, threads, b);
    }

    /**
     * ⌊p·n/100⌋, computed in decimal from p's shortest representation so that p = 0.1 of 1000
     * elements is exactly 1, not 0 by binary rounding.
     */
    public long coreSize(long n) {
        return BigDecimal.valueOf(topPercent).multiply(BigDecimal.valueOf(n))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR).longValueExact();
    }
}
