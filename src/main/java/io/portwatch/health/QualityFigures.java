package io.portwatch.health;

import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.TcpQuality;

/**
 * The connection-quality figures of one row in one scan (docs/design.md §3): fed the row's matched ESTABLISHED
 * sockets of the expected process one by one ({@link #add(SocketEntry)}), it counts the stalled ones, finds the
 * worst RTT and the longest stall, and adds each measured socket's counters since the previous scan to the row's
 * sums ({@link QualityHistory}: each socket's last counters are kept once for every row). Sockets whose quality is
 * unknown are left out of every figure; a socket matched twice by the row counts once.
 */
final class QualityFigures {

    private final QualityHistory.Row previous;
    private final QualityHistory.Builder history;
    /** Not measured in this scan (the evaluation's budget of socket visits was spent): no figures, sums kept. */
    private boolean skipped;
    private final int rowNumber;
    /** A socket is stalled past this many milliseconds without an acknowledgement; 0 = the check is off. */
    private final long stallMillis;

    private int measured;
    private int stalled;
    private SocketEntry slowest;
    private SocketEntry longestStalled;
    private long sentDelta;
    private long retransmittedDelta;
    private QualityHistory.Row next;

    /**
     * @param previous the row's sums after the previous scan, null when it had none
     * @param history  this evaluation's next history, which keeps each socket's counters once
     */
    QualityFigures(QualityHistory.Row previous, QualityHistory.Builder history, int stallSeconds) {
        this.previous = previous;
        this.history = history;
        this.rowNumber = history.nextRow();
        this.stallMillis = stallSeconds * 1000L;
    }

    /** Counts one matched ESTABLISHED socket of the expected process. */
    void add(SocketEntry s) {
        TcpQuality q = s.quality();
        if (q == null) {
            return;
        }
        QualityHistory.Seen before = history.count(q.cookie(), q.segmentsSent(), q.retransmittedSegments(), rowNumber);
        if (before == QualityHistory.ALREADY) { // a socket matched through two groups counts once
            return;
        }
        measured++;
        if (stalled(q)) {
            stalled++;
            if (longestStalled == null || q.lastAckReceivedMillis() > longestStalled.quality().lastAckReceivedMillis()) {
                longestStalled = s;
            }
        }
        if (slowest == null || q.rttMicros() > slowest.quality().rttMicros()) {
            slowest = s;
        }
        sentDelta += delta(q.segmentsSent(), before == null ? 0 : before.sent());
        retransmittedDelta += delta(q.retransmittedSegments(), before == null ? 0 : before.retransmitted());
    }

    /** This scan does not measure the row: its figures are unknown, its sums go on to the next scan unchanged. */
    void skip() {
        skipped = true;
    }

    private boolean stalled(TcpQuality q) {
        return stallMillis > 0 && q.unacked() > 0 && q.lastAckReceivedMillis() > stallMillis;
    }

    /** A counter's growth; never negative (a counter seen lower than before adds nothing). */
    private static long delta(long now, long before) {
        return Math.max(0, now - before);
    }

    /** True when the quality of the row is known: a socket is measured now, or was before (the sums exist). */
    boolean known() {
        return !skipped && (measured > 0 || previous != null);
    }

    int stalled() {
        return stalled;
    }

    /** The stalled socket longest without an acknowledgement, null when none is stalled. */
    SocketEntry longestStalled() {
        return longestStalled;
    }

    /** The socket with the largest RTT, null when none is measured. */
    SocketEntry slowest() {
        return slowest;
    }

    /** Segments sent by the measured sockets since the previous scan; -1 when the row had no previous scan. */
    long sentSincePrevious() {
        return previous == null ? -1 : sentDelta;
    }

    long retransmittedSincePrevious() {
        return previous == null ? -1 : retransmittedDelta;
    }

    /** The figures to publish; null when unknown. */
    ConnectionQuality quality() {
        if (!known()) {
            return null;
        }
        QualityHistory.Row next = next();
        return new ConnectionQuality(slowest == null ? ConnectionQuality.UNKNOWN_RTT : slowest.quality().rttMicros(),
                next.sentTotal(), next.retransmittedTotal(), stalled, measured);
    }

    /** The row's history for the next scan; null when its quality is unknown. Call once every socket is added. */
    QualityHistory.Row next() {
        if (skipped) {
            return previous;
        }
        if (!known()) {
            return null;
        }
        if (next == null) {
            next = makeNext();
        }
        return next;
    }

    private QualityHistory.Row makeNext() {
        long sentBefore = previous == null ? 0 : previous.sentTotal();
        long retransBefore = previous == null ? 0 : previous.retransmittedTotal();
        return new QualityHistory.Row(sentBefore + sentDelta, retransBefore + retransmittedDelta);
    }
}
