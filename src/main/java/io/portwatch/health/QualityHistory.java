package io.portwatch.health;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What connection-quality evaluation carries from one scan to the next (docs/design.md §3): per connection row (by
 * id), the counters last seen of each matched socket by its cookie, and the row's sums of per-socket deltas. Immutable;
 * an evaluation reads the previous scan's and gives the next ({@link Evaluation#quality()}).
 *
 * <p>A socket first seen starts from zero (its whole count is new); a socket gone keeps what it added, so the sums
 * only grow. A gone socket's last counters are kept for {@value #GONE_SCANS_KEPT} scans, so a socket missing from one
 * scan (its owner briefly unseen) is not counted twice when it comes back; then it is forgotten: memory stays bounded
 * by the sockets rows match. Rows no longer defined are forgotten.
 */
public final class QualityHistory {

    /** Before the first scan. */
    public static final QualityHistory EMPTY = new QualityHistory(Map.of());

    /** Scans a gone socket's counters are kept. */
    static final int GONE_SCANS_KEPT = 3;

    /** Counters of one socket as last seen, and how many scans ago it was last matched (0 = this scan). */
    record Seen(long sent, long retransmitted, int missedScans) {
    }

    /** One row's sums and sockets. */
    record Row(long sentTotal, long retransmittedTotal, Map<Long, Seen> sockets) {
        Row {
            sockets = Map.copyOf(sockets);
        }
    }

    private final Map<String, Row> rows;

    private QualityHistory(Map<String, Row> rows) {
        this.rows = Map.copyOf(rows);
    }

    /** The row's history, null when it has none (its quality was never measured). */
    Row row(String id) {
        return rows.get(id);
    }

    /** Ids of the rows with a history. */
    public Set<String> rowIds() {
        return rows.keySet();
    }

    /** Collects the next history during one evaluation. */
    static final class Builder {
        private final Map<String, Row> rows = new HashMap<>();

        void put(String id, Row row) {
            rows.put(Objects.requireNonNull(id, "id"), row);
        }

        QualityHistory build() {
            return rows.isEmpty() ? EMPTY : new QualityHistory(rows);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QualityHistory && rows.equals(((QualityHistory) o).rows);
    }

    @Override
    public int hashCode() {
        return rows.hashCode();
    }

    @Override
    public String toString() {
        return "QualityHistory" + rows;
    }
}
