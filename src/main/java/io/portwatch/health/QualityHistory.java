package io.portwatch.health;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What connection-quality evaluation carries from one scan to the next (docs/design.md §3): the counters last seen
 * of each measured socket, by its cookie, once whatever the number of rows that match it, and each connection row's
 * sums of per-socket deltas (by id). Immutable; an evaluation reads the previous scan's and gives the next
 * ({@link Evaluation#quality()}).
 *
 * <p>A socket first seen starts from zero (its whole count is new); a socket gone keeps what it added, so the sums
 * only grow. A gone socket's last counters are kept for {@value #GONE_SCANS_KEPT} scans, so a socket missing from one
 * scan (its owner briefly unseen) is not counted twice when it comes back; then it is forgotten. Memory stays bounded
 * by the measured sockets plus two numbers a row, never by rows times sockets: 11,000 rows that all match the same
 * 100,000 connections keep 100,000 sockets' counters, not a billion. Rows no longer defined are forgotten.
 */
public final class QualityHistory {

    /** Before the first scan. */
    public static final QualityHistory EMPTY = new QualityHistory(Map.of(), Map.of(), 0);

    /** Scans a gone socket's counters are kept. */
    static final int GONE_SCANS_KEPT = 3;
    /**
     * The most matched sockets one evaluation walks for quality figures, all rows together. The counts walk groups,
     * not sockets; quality has to look at each socket of each row, so overlapping rows over many measured
     * connections would cost rows times sockets per scan. Rows past it are not measured in that scan (no verdict,
     * their sums kept, without what their sockets sent during that scan), counted in {@link #skippedRows()}.
     */
    public static final int MAX_SOCKET_VISITS = 1_000_000;

    /** Counters of one socket as last seen, and how many scans ago it was last matched (0 = this scan). */
    record Seen(long sent, long retransmitted, int missedScans) {
    }

    /** One row's sums. */
    record Row(long sentTotal, long retransmittedTotal) {
    }

    private final Map<String, Row> rows;
    private final Map<Long, Seen> sockets;
    private final int skippedRows;

    /** Takes maps no one else holds or changes (immutable, or made for this history only). */
    private QualityHistory(Map<String, Row> rows, Map<Long, Seen> sockets, int skippedRows) {
        this.rows = rows;
        this.sockets = sockets;
        this.skippedRows = skippedRows;
    }

    /** Rows whose quality was not measured in this scan: their sockets were past {@link #MAX_SOCKET_VISITS}. */
    public int skippedRows() {
        return skippedRows;
    }

    /** The row's sums, null when it has none (its quality was never measured). */
    Row row(String id) {
        return rows.get(id);
    }

    /** The counters last seen of a socket, null when it was not measured in the last scans. */
    Seen socket(long cookie) {
        return sockets.get(cookie);
    }

    /** How many sockets' counters are kept. */
    int socketCount() {
        return sockets.size();
    }

    /** Ids of the rows with a history. */
    public Set<String> rowIds() {
        return rows.keySet();
    }

    /** Collects the next history during one evaluation; rows are evaluated one after the other. */
    static final class Builder {
        private final QualityHistory previous;
        private final Map<String, Row> rows = new HashMap<>();
        private final Map<Long, Counted> sockets = new HashMap<>();
        private int rowSerial;
        private long visitsLeft;
        private int skipped;

        Builder(QualityHistory previous) {
            this(previous, MAX_SOCKET_VISITS);
        }

        /** For tests: another budget of socket visits. */
        Builder(QualityHistory previous, long maxSocketVisits) {
            this.previous = Objects.requireNonNull(previous, "previous");
            this.visitsLeft = maxSocketVisits;
        }

        /**
         * Takes {@code visits} socket visits from this evaluation's budget for one row; false when they do not fit:
         * the row is not measured in this scan (and counted as skipped).
         */
        boolean take(long visits) {
            if (visits > visitsLeft) {
                skipped++;
                return false;
            }
            visitsLeft -= visits;
            return true;
        }

        /** The history this one follows. */
        QualityHistory previous() {
            return previous;
        }

        /** A number for the next row evaluated: a socket counts once per row. */
        int nextRow() {
            return ++rowSerial;
        }

        /**
         * Records a socket measured now for row number {@code row}; returns its counters as last seen before this
         * scan ({@code null}: first seen, it starts from zero), or {@link #ALREADY} when this row counted it already.
         */
        Seen count(long cookie, long sent, long retransmitted, int row) {
            Counted c = sockets.get(cookie);
            Seen before = previous.socket(cookie);
            if (c == null) {
                c = new Counted(Math.max(sent, before == null ? 0 : before.sent()),
                        Math.max(retransmitted, before == null ? 0 : before.retransmitted()));
                sockets.put(cookie, c);
            } else if (c.lastRow == row) {
                return ALREADY;
            }
            c.lastRow = row;
            return before;
        }

        void put(String id, Row row) {
            rows.put(Objects.requireNonNull(id, "id"), row);
        }

        QualityHistory build() {
            if (rows.isEmpty() && sockets.isEmpty() && skipped == 0) {
                return EMPTY;
            }
            Map<Long, Seen> next = new HashMap<>(sockets.size() * 2);
            sockets.forEach((cookie, c) -> next.put(cookie, new Seen(c.sent, c.retransmitted, 0)));
            previous.sockets.forEach((cookie, s) -> {
                if (!next.containsKey(cookie) && s.missedScans() < GONE_SCANS_KEPT) {
                    next.put(cookie, new Seen(s.sent(), s.retransmitted(), s.missedScans() + 1));
                }
            });
            return new QualityHistory(Map.copyOf(rows), java.util.Collections.unmodifiableMap(next), skipped);
        }

        /** This scan's counters of one socket, and the last row that counted it. */
        private static final class Counted {
            final long sent;
            final long retransmitted;
            int lastRow;

            Counted(long sent, long retransmitted) {
                this.sent = sent;
                this.retransmitted = retransmitted;
            }
        }
    }

    /** Returned by {@link Builder#count} for a socket the row counted already. */
    static final Seen ALREADY = new Seen(-1, -1, -1);

    @Override
    public boolean equals(Object o) {
        return o instanceof QualityHistory && rows.equals(((QualityHistory) o).rows)
                && sockets.equals(((QualityHistory) o).sockets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, sockets);
    }

    @Override
    public String toString() {
        return "QualityHistory" + rows + " " + sockets.size() + " sockets" + (skippedRows > 0 ? ", " + skippedRows
                + " rows skipped" : "");
    }
}
