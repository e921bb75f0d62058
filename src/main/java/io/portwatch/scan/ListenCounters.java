package io.portwatch.scan;

/**
 * The host's counters of connections its listeners could not take, since boot (Linux
 * {@code /proc/net/netstat}, {@code TcpExt:}). Immutable.
 *
 * @param overflows {@code ListenOverflows}: handshakes completed while the listener's accept queue was full,
 *                  -1 when unknown
 * @param drops     {@code ListenDrops}: connections dropped on a listener for any reason (overflows included),
 *                  -1 when unknown
 */
public record ListenCounters(long overflows, long drops) {

    /** On a platform or host that does not tell. */
    public static final ListenCounters UNKNOWN = new ListenCounters(-1, -1);

    public ListenCounters {
        if (overflows < -1 || drops < -1) {
            throw new IllegalArgumentException("counter out of range: " + overflows + "/" + drops);
        }
    }

    /** True when both counters are known. */
    public boolean known() {
        return overflows >= 0 && drops >= 0;
    }
}
