package io.portwatch.health;

import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.scan.SocketEntry;

import java.time.Instant;
import java.util.List;

/** The health of one listening-port row. */
public record ListeningResult(ListeningRow row, Health health, String reason, Instant testedAt,
                              List<SocketEntry> matched, String netstatWatcherKey) implements RowResult {

    public ListeningResult {
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
