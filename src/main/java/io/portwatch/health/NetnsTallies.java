package io.portwatch.health;

import io.portwatch.scan.NetNamespace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-pid counters ({@link PidTallies}) for each network namespace name, so that the census can split a process
 * name's sockets by the namespace they live in ({@code prometheus.netnsLabel}). Counting a socket allocates nothing
 * and builds no text: its namespace is one shared object, and the sockets of a namespace come in runs, so the last
 * namespace's tallies are reused on an identity check; a new one costs one lookup by its (already built) name.
 * Namespaces are listed in the order they were first counted.
 */
final class NetnsTallies {

    private final int width;
    private final Map<String, Integer> indexByName = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<PidTallies> tallies = new ArrayList<>();
    private NetNamespace last;
    private PidTallies lastTallies;

    NetnsTallies(int width) {
        this.width = width;
    }

    /** Adds 1 to counter {@code column} of {@code pid} in {@code ns}. */
    void add(NetNamespace ns, int pid, int column) {
        if (ns != last) {
            lastTallies = tallies(ns.name());
            last = ns;
        }
        lastTallies.add(pid, column, 1);
    }

    /** How many namespace names were counted. */
    int size() {
        return names.size();
    }

    /** The name of namespace {@code i}, 0 ≤ i < {@link #size()}. */
    String name(int i) {
        return names.get(i);
    }

    /** The per-pid counters of namespace {@code i}. */
    PidTallies byPid(int i) {
        return tallies.get(i);
    }

    private PidTallies tallies(String name) {
        Integer i = indexByName.get(name);
        if (i != null) {
            return tallies.get(i);
        }
        indexByName.put(name, names.size());
        names.add(name);
        PidTallies t = new PidTallies(width);
        tallies.add(t);
        return t;
    }
}
