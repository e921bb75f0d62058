package io.portwatch.jmx;

import io.portwatch.scan.SocketState;
import io.portwatch.support.Times;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How portwatch's values are written as MXBean attribute values. */
final class Values {

    private Values() {
    }

    /** ISO-8601 UTC with milliseconds, {@code 2026-11-22T10:00:00.123Z}. */
    static String iso(Instant at) {
        return Times.iso(at);
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
