package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Severity;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one connection row.
 *
 * @param reasonCode the case that decided the health (and so the health)
 * @param reason     the full one-line reason
 * @param byState    counts of the row's matched sockets owned by the expected process (or, when not
 *                   ESTABLISHED, by an owner that cannot be seen), by state
 * @param sendQueueBytes    bytes sent and not yet acknowledged, summed over those ESTABLISHED sockets; -1 when
 *                          unknown (the platform does not tell)
 * @param receiveQueueBytes bytes received and not yet read by the process, summed likewise; -1 when unknown
 */
public record ConnectionResult(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                               List<SocketEntry> matched, Map<SocketState, Integer> byState,
                               String netstatWatcherKey, long sendQueueBytes, long receiveQueueBytes)
        implements RowResult {

    /** A result without queue figures. */
    public ConnectionResult(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                            List<SocketEntry> matched, Map<SocketState, Integer> byState, String netstatWatcherKey) {
        this(row, reasonCode, reason, testedAt, matched, byState, netstatWatcherKey, SocketEntry.UNKNOWN_QUEUE,
                SocketEntry.UNKNOWN_QUEUE);
    }

    public ConnectionResult {
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(reason, "reason");
        matched = matched instanceof MatchedSockets ? matched : List.copyOf(matched); // a view is not copied
        byState = Map.copyOf(byState);
    }

    @Override
    public String id() {
        return row.id();
    }

    @Override
    public Severity severity() {
        return row.severity();
    }

    /** ESTABLISHED sockets owned by the expected process. */
    public int established() {
        return byState.getOrDefault(SocketState.ESTABLISHED, 0);
    }
}
