package io.portwatch.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts keys in bounded memory. Exact while there are at most {@code capacity} distinct keys; beyond,
 * when the table reaches twice the capacity, it keeps the {@code capacity} largest counts and drops
 * the rest (Misra–Gries style pruning). A count is then a lower bound, low by at most
 * {@link #maxError()} (the sum of the counts at which keys were dropped), and a key whose true count
 * exceeds that bound is never missing from the table. Not thread-safe.
 */
final class TopCounter {

    private final int capacity;
    private final Map<String, long[]> counts = new HashMap<>();
    private long maxError;

    TopCounter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    void add(String key) {
        long[] c = counts.get(key);
        if (c != null) {
            c[0]++;
            return;
        }
        if (counts.size() >= 2 * capacity) {
            prune();
        }
        counts.put(key, new long[] {1});
    }

    private void prune() {
        long[] values = new long[counts.size()];
        int i = 0;
        for (long[] c : counts.values()) {
            values[i++] = c[0];
        }
        Arrays.sort(values);
        long threshold = values[values.length - capacity - 1]; // the largest count that goes
        // drop every key at or below the threshold; above it at most `capacity` keys remain
        counts.values().removeIf(c -> c[0] <= threshold);
        maxError += threshold;
    }

    /** True once keys have been dropped: counts are lower bounds. */
    boolean approximate() {
        return maxError > 0;
    }

    /** How much any count may be below the truth. */
    long maxError() {
        return maxError;
    }

    /** Distinct keys held now. */
    int size() {
        return counts.size();
    }

    /** The {@code n} largest counts (all when n is 0), largest first, ties by key. */
    List<Map.Entry<String, Long>> top(int n) {
        List<Map.Entry<String, Long>> all = new ArrayList<>(counts.size());
        counts.forEach((k, v) -> all.add(Map.entry(k, v[0])));
        all.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        return n > 0 && all.size() > n ? all.subList(0, n) : all;
    }
}
