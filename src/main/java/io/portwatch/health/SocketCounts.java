package io.portwatch.health;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketState;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Socket counts by protocol and state. Immutable once built. */
public final class SocketCounts {

    private final Map<Protocol, Map<SocketState, Integer>> counts;
    private final int total;

    private SocketCounts(Map<Protocol, Map<SocketState, Integer>> counts, int total) {
        this.counts = counts;
        this.total = total;
    }

    /** Count of sockets of that protocol in that state. */
    public int get(Protocol protocol, SocketState state) {
        Map<SocketState, Integer> byState = counts.get(protocol);
        return byState == null ? 0 : byState.getOrDefault(state, 0);
    }

    /** All sockets of a protocol. */
    public int total(Protocol protocol) {
        Map<SocketState, Integer> byState = counts.get(protocol);
        return byState == null ? 0 : byState.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int total() {
        return total;
    }

    /** Non-zero counts, by protocol then state (unmodifiable, in enum order). */
    public Map<Protocol, Map<SocketState, Integer>> asMap() {
        return counts;
    }

    /** Accumulates counts; {@link #build()} freezes them. Not thread-safe. */
    public static final class Builder {
        private final Map<Protocol, Map<SocketState, int[]>> counts = new EnumMap<>(Protocol.class);
        private int total;

        public Builder add(Protocol protocol, SocketState state) {
            return add(protocol, state, 1);
        }

        /** Adds {@code n} sockets of that protocol and state ({@code n} may be 0: nothing is recorded). */
        public Builder add(Protocol protocol, SocketState state, int n) {
            if (n > 0) {
                counts.computeIfAbsent(protocol, p -> new EnumMap<>(SocketState.class))
                        .computeIfAbsent(state, s -> new int[1])[0] += n;
                total += n;
            }
            return this;
        }

        /** Adds a tally indexed {@code protocol.ordinal() * SocketState.values().length + state.ordinal()}. */
        Builder addAll(int[] tally) {
            SocketState[] states = SocketState.values();
            for (Protocol p : Protocol.values()) {
                for (SocketState st : states) {
                    add(p, st, tally[p.ordinal() * states.length + st.ordinal()]);
                }
            }
            return this;
        }

        public SocketCounts build() {
            Map<Protocol, Map<SocketState, Integer>> frozen = new EnumMap<>(Protocol.class);
            counts.forEach((p, byState) -> {
                Map<SocketState, Integer> copy = new EnumMap<>(SocketState.class);
                byState.forEach((s, n) -> copy.put(s, n[0]));
                frozen.put(p, Collections.unmodifiableMap(copy));
            });
            return new SocketCounts(Collections.unmodifiableMap(frozen), total);
        }
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
