package io.portwatch.health;

import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.scan.SocketEntry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The health of one listening-port row.
 *
 * @param reasonCode the case that decided the health (and so the health)
 * @param reason     the full one-line reason
 * @param acceptQueue connections waiting in the accept queues of the row's listeners (TCP listeners on a covering
 *                    address owned by a matching process), summed; -1 when unknown or there are none
 * @param backlog     the backlogs of the same listeners, summed; -1 when unknown or there are none
 */
public record ListeningResult(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                              List<SocketEntry> matched, String netstatWatcherKey, int acceptQueue, int backlog)
        implements RowResult {

    /** A result without accept queue figures. */
    public ListeningResult(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                           List<SocketEntry> matched, String netstatWatcherKey) {
        this(row, reasonCode, reason, testedAt, matched, netstatWatcherKey, SocketEntry.UNKNOWN_QUEUE,
                SocketEntry.UNKNOWN_QUEUE);
    }

    public ListeningResult {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(reason, "reason");
        matched = List.copyOf(matched);
    }

    @Override
    public String id() {
        return row.id();
    }

    @Override
    public Severity severity() {
        return row.severity();
    }
}
