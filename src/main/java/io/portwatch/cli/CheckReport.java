package io.portwatch.cli;

import io.portwatch.health.ConnectionQuality;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningResult;
import io.portwatch.health.RowResult;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.support.Times;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code check} prints, whichever way it was found: by a scan of its own ({@link #local}) or read from a
 * running portwatch ({@link RemoteCheck}). {@link CheckOutput} renders it; both ways share it, so the status
 * line, table, perfdata and JSON cannot drift apart. Immutable.
 *
 * @param scannedAt   start of the scan the rows come from (ISO-8601 UTC)
 * @param scanSeconds how long that scan took
 * @param sockets     sockets that scan saw on the host
 * @param warnings    what is wrong but did not stop the check, one line each
 * @param rows        every row, listening rows first, in the definitions' order
 */
record CheckReport(String scannedAt, double scanSeconds, int sockets, List<String> warnings, List<Row> rows) {

    CheckReport {
        Objects.requireNonNull(scannedAt, "scannedAt");
        warnings = List.copyOf(warnings);
        rows = List.copyOf(rows);
    }

    /**
     * One evaluated row.
     *
     * @param kind       {@code listening} or {@code connection}
     * @param rttSeconds the smoothed RTT of a connection row's slowest socket, -1 when unknown (a listening row, or
     *                   a reader that does not measure it)
     */
    record Row(String kind, String id, Health health, String severity, String reason, String comment,
               String testedAt, String netstatWatcherKey, List<Matched> matched, double rttSeconds) {

        /** A row whose RTT is unknown. */
        Row(String kind, String id, Health health, String severity, String reason, String comment,
            String testedAt, String netstatWatcherKey, List<Matched> matched) {
            this(kind, id, health, severity, reason, comment, testedAt, netstatWatcherKey, matched, -1);
        }

        boolean rttKnown() {
            return rttSeconds >= 0;
        }

        Row {
            matched = List.copyOf(matched);
        }

        /** {@code java/1234} of the first matched socket whose owner is seen, {@code -} when none. */
        String owner() {
            return matched.stream().filter(m -> !m.process().isEmpty()).findFirst()
                    .map(m -> m.process() + "/" + m.pid()).orElse("-");
        }
    }

    /**
     * One socket a row matched.
     *
     * @param socket  as {@link SocketEntry#toString()} writes it
     * @param process its owner's name, empty when the owner cannot be seen
     * @param netns   the name of its network namespace
     */
    record Matched(String socket, int pid, String process, String netns) {
    }

    /** The worst health of all rows; GREEN when there are none. */
    Health worst() {
        return rows.stream().map(Row::health).reduce(Health.GREEN, Health::worst);
    }

    /** How many rows have that health. */
    long count(Health health) {
        return rows.stream().filter(r -> r.health() == health).count();
    }

    /** The report of a scan of this host's own. */
    static CheckReport local(Evaluation evaluation, Snapshot snapshot, List<String> warnings) {
        List<Row> rows = new ArrayList<>();
        for (ListeningResult r : evaluation.listening()) {
            rows.add(row("listening", r, r.row().comment(), snapshot, -1));
        }
        for (ConnectionResult r : evaluation.connections()) {
            rows.add(row("connection", r, r.row().comment(), snapshot, r.quality()
                    .filter(ConnectionQuality::rttKnown).map(ConnectionQuality::worstRttSeconds).orElse(-1.0)));
        }
        return new CheckReport(Times.iso(snapshot.takenAt()), snapshot.duration().toNanos() / 1e9,
                snapshot.sockets().size(), warnings, rows);
    }

    private static Row row(String kind, RowResult r, String comment, Snapshot snapshot, double rttSeconds) {
        List<Matched> matched = new ArrayList<>();
        for (SocketEntry s : r.matched()) {
            matched.add(new Matched(s.toString(), s.pid(), snapshot.owner(s).map(p -> p.name()).orElse(""),
                    s.netns().name()));
        }
        return new Row(kind, r.id(), r.health(), r.severity().label(), r.reason(), comment, Times.iso(r.testedAt()),
                r.netstatWatcherKey(), matched, rttSeconds);
    }
}
