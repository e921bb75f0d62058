package io.portwatch.health;

/**
 * What the kernel measured of a connection row's matched ESTABLISHED sockets (docs/design.md §3, connection
 * quality): known only with a socket source that measures it (the netlink reader).
 *
 * @param worstRttMicros        the largest smoothed RTT of those sockets, microseconds; -1 when none is measured now
 * @param sentSegments          segments sent by the row's sockets since portwatch first saw them: a sum of per-socket
 *                              deltas, so it only grows while the row exists
 * @param retransmittedSegments segments retransmitted, summed likewise
 * @param stalledSockets        sockets holding unacknowledged data with no acknowledgement for longer than
 *                              {@code stallSeconds}
 * @param measuredSockets       sockets measured now
 */
public record ConnectionQuality(long worstRttMicros, long sentSegments, long retransmittedSegments, int stalledSockets,
                                int measuredSockets) {

    /** An RTT not measured now. */
    public static final long UNKNOWN_RTT = -1;

    public ConnectionQuality {
        if (sentSegments < 0 || retransmittedSegments < 0 || stalledSockets < 0 || measuredSockets < 0
                || worstRttMicros < UNKNOWN_RTT) {
            throw new IllegalArgumentException("negative figure: " + worstRttMicros + "/" + sentSegments + "/"
                    + retransmittedSegments + "/" + stalledSockets + "/" + measuredSockets);
        }
    }

    /** True when a socket is measured now (and so {@link #worstRttMicros()} is known). */
    public boolean rttKnown() {
        return worstRttMicros != UNKNOWN_RTT;
    }

    /** The worst RTT in seconds, NaN when unknown. */
    public double worstRttSeconds() {
        return rttKnown() ? worstRttMicros / 1e6 : Double.NaN;
    }
}
