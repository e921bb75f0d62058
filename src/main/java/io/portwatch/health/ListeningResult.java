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
 */
public record ListeningResult(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                              List<SocketEntry> matched, String netstatWatcherKey) implements RowResult {

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
