package io.portwatch.health;

import java.util.Arrays;

/**
 * Counters per pid, {@code width} of them per pid (e.g. one per socket state), kept in plain int
 * arrays: counting a socket neither boxes its pid nor allocates. Pids are listed in the order they
 * were first counted. Sockets of one process often come in runs, so the last pid's row is reused
 * without a lookup.
 */
final class PidTallies {

    private final int width;
    /** Open addressing: entry index + 1 per slot, 0 when free. */
    private int[] slots = new int[16];
    private int[] pids = new int[8];
    private int[] counts;
    private int size;
    private int lastPid = Integer.MIN_VALUE;
    private int lastEntry;

    PidTallies(int width) {
        this.width = width;
        this.counts = new int[8 * width];
    }

    /** Adds {@code n} to counter {@code column} of {@code pid}. */
    void add(int pid, int column, int n) {
        int entry = pid == lastPid ? lastEntry : entry(pid);
        counts[entry * width + column] += n;
    }

    /** Adds every counter of {@code other} (of the same width). */
    void addAll(PidTallies other) {
        for (int i = 0; i < other.size; i++) {
            for (int c = 0; c < width; c++) {
                int n = other.count(i, c);
                if (n != 0) {
                    add(other.pids[i], c, n);
                }
            }
        }
    }

    /** How many pids were counted. */
    int size() {
        return size;
    }

    /** The pid of entry {@code i}, 0 ≤ i < {@link #size()}, in order of first appearance. */
    int pid(int i) {
        return pids[i];
    }

    /** Counter {@code column} of entry {@code i}. */
    int count(int i, int column) {
        return counts[i * width + column];
    }

    /** The counters of entry {@code i}, a copy. */
    int[] counts(int i) {
        return Arrays.copyOfRange(counts, i * width, (i + 1) * width);
    }

    private int entry(int pid) {
        int mask = slots.length - 1;
        int slot = hash(pid) & mask;
        while (slots[slot] != 0) {
            int e = slots[slot] - 1;
            if (pids[e] == pid) {
                lastPid = pid;
                lastEntry = e;
                return e;
            }
            slot = (slot + 1) & mask;
        }
        if (size == pids.length) {
            pids = Arrays.copyOf(pids, size * 2);
            counts = Arrays.copyOf(counts, size * 2 * width);
        }
        int e = size++;
        pids[e] = pid;
        slots[slot] = e + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        lastPid = pid;
        lastEntry = e;
        return e;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int e = 0; e < size; e++) {
            int slot = hash(pids[e]) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = e + 1;
        }
    }

    private static int hash(int pid) {
        int h = pid * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
