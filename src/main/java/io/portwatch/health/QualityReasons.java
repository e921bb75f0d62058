package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.TcpQuality;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The one-line reasons of docs/design.md §3's connection-quality cases; each names the figure and the limit. The
 * {@code reason} label of a metric keeps the fixed text of {@link ConnectionReason} instead.
 */
final class QualityReasons {

    /** Fewer segments sent since the previous scan give no retransmission verdict. */
    static final long MIN_SEGMENTS = 100;

    private QualityReasons() {
    }

    /**
     * {@code stalled: 41 s without an acknowledgement from 10.1.2.3:5432, 12 segments unacknowledged
     * (stallSeconds 30)} for a row's only socket; with several, how many are stalled comes first.
     */
    static String stalled(QualityFigures figures, int established, String what, String expectation, int stallSeconds) {
        SocketEntry s = figures.longestStalled();
        TcpQuality q = s.quality();
        String longest = q.lastAckReceivedMillis() / 1000 + " s without an acknowledgement from "
                + Addresses.format(s.remoteAddress(), s.remotePort()) + ", " + q.unacked() + " segments unacknowledged"
                + " (stallSeconds " + stallSeconds + ")";
        int stalled = figures.stalled();
        if (established == 1) {
            return "stalled: " + longest;
        }
        if (stalled == established) {
            return "stalled: all " + established + " ESTABLISHED to " + what + "; the longest " + longest;
        }
        return "stalled: " + stalled + " of " + established + " ESTABLISHED to " + what + ", " + (established - stalled)
                + " not stalled, expected " + expectation + "; the longest " + longest;
    }

    /** {@code slow: RTT 250.0 ms to 10.1.2.3:5432 above maxRttMs 100}; null when not slow or unknown. */
    static String slow(ConnectionRow row, QualityFigures figures) {
        SocketEntry s = figures.slowest();
        if (row.quality().maxRttMs().isEmpty() || s == null
                || s.quality().rttMicros() <= row.quality().maxRttMs().getAsInt() * 1000L) {
            return null;
        }
        return "slow: RTT " + decimal(s.quality().rttMicros(), 1000) + " ms to "
                + Addresses.format(s.remoteAddress(), s.remotePort()) + " above maxRttMs "
                + row.quality().maxRttMs().getAsInt();
    }

    /**
     * {@code retransmitting: 12 of 400 segments sent since the previous scan retransmitted (3 %), above
     * maxRetransPercent 1}; null when not above, unknown, or fewer than {@value #MIN_SEGMENTS} segments were sent.
     */
    static String retransmitting(ConnectionRow row, QualityFigures figures) {
        long sent = figures.sentSincePrevious();
        long retransmitted = figures.retransmittedSincePrevious();
        if (row.quality().maxRetransPercent().isEmpty() || sent < MIN_SEGMENTS) {
            return null;
        }
        double limit = row.quality().maxRetransPercent().getAsDouble();
        if (retransmitted * 100.0 <= limit * sent) {
            return null;
        }
        return "retransmitting: " + retransmitted + " of " + sent + " segments sent since the previous scan"
                + " retransmitted (" + decimal(retransmitted * 100_000 / sent, 1000) + " %), above maxRetransPercent "
                + BigDecimal.valueOf(limit).stripTrailingZeros().toPlainString();
    }

    /** {@code value / divisor} with at most 1 decimal, trailing zeros dropped: 250, 0.5. */
    private static String decimal(long value, long divisor) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(divisor), 1, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }
}
