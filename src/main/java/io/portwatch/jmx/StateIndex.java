package io.portwatch.jmx;

import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.ListeningResult;
import io.portwatch.state.MonitorState;
import io.portwatch.health.ProcessSockets;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds a row's or a process's result in the latest state at read time, so that an MBean never holds a
 * copy that goes stale. Holds references into at most two published states (the supplier's and the
 * last one handed to the publisher), never copies of sockets.
 */
final class StateIndex {

    private final Supplier<MonitorState> supplier;
    private volatile Index latest = Index.NONE;
    private volatile Index published = Index.NONE;

    StateIndex(Supplier<MonitorState> supplier) {
        this.supplier = Objects.requireNonNull(supplier, "supplier");
    }

    /** The state readers see now. */
    MonitorState state() {
        return supplier.get();
    }

    /** Indexes a newly published state; readers fall back on it while the supplier's state lacks an item. */
    Index publish(MonitorState state) {
        Index i = Index.of(state);
        published = i;
        latest = i;
        return i;
    }

    ListeningResult listening(String id) {
        return find(i -> i.listening().get(id), "listening row " + id);
    }

    ConnectionResult connection(String id) {
        return find(i -> i.connections().get(id), "connection row " + id);
    }

    ProcessSockets process(String name) {
        return find(i -> i.processes().get(name), "process " + name);
    }

    /**
     * Looks in the supplier's state, then in the last published one: between the swap of the state and
     * the publisher unregistering a vanished item, a reader still gets its last result.
     */
    private <T> T find(Function<Index, T> get, String what) {
        T found = get.apply(current());
        if (found == null) {
            found = get.apply(published);
        }
        if (found == null) {
            throw new IllegalStateException(what + " is not in the current state");
        }
        return found;
    }

    private Index current() {
        MonitorState s = supplier.get();
        Index i = latest;
        if (i.state() != s) {
            i = Index.of(s);
            latest = i;
        }
        return i;
    }

    /** Rows by id and processes with sockets by name, in the evaluation's order. */
    record Index(MonitorState state, Map<String, ListeningResult> listening, Map<String, ConnectionResult> connections,
                 Map<String, ProcessSockets> processes) {

        static final Index NONE = new Index(null, Map.of(), Map.of(), Map.of());

        static Index of(MonitorState state) {
            if (state == null || state.evaluation().isEmpty()) {
                return new Index(state, Map.of(), Map.of(), Map.of());
            }
            Evaluation e = state.evaluation().get();
            Map<String, ListeningResult> listening = new LinkedHashMap<>();
            e.listening().forEach(r -> listening.putIfAbsent(r.id(), r));
            Map<String, ConnectionResult> connections = new LinkedHashMap<>();
            e.connections().forEach(r -> connections.putIfAbsent(r.id(), r));
            Map<String, ProcessSockets> processes = new HashMap<>();
            e.processes().stream().filter(p -> p.counts().total() > 0).forEach(p -> processes.putIfAbsent(p.name(), p));
            return new Index(state, Collections.unmodifiableMap(listening), Collections.unmodifiableMap(connections),
                    Collections.unmodifiableMap(processes));
        }
    }
}
