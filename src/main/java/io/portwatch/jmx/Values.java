package io.portwatch.jmx;

import io.portwatch.scan.SocketState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How portwatch's values are written as MXBean attribute values. */
final class Values {

    private Values() {
    }

    /** ISO-8601 UTC, {@code 2026-11-22T10:00:00Z}. */
    static String iso(Instant at) {
        return at.toString();
    }

    /** Non-zero counts keyed by state name, in {@link SocketState} order. */
    static Map<String, Integer> byState(Map<SocketState, Integer> counts) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (SocketState s : SocketState.values()) {
            Integer n = counts.get(s);
            if (n != null && n > 0) {
                out.put(s.name(), n);
            }
        }
        return out;
    }
}
