package io.portwatch.agent;

import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningResult;
import io.portwatch.state.MonitorState;
import io.portwatch.health.RowResult;
import io.portwatch.state.StateListener;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Logs every change of a row's health, once, as {@code portwatch: <id> GREEN -> RED: <reason>} (WARNING when it
 * gets worse, INFO when it gets better); the first scan gives one summary line instead of a line per row. At most
 * {@value #MAX_LINES} change lines per scan, then one line counting the rest, whatever the number of rows.
 */
final class HealthLog implements StateListener {

    /** Change lines logged for one scan; a scan that changes more rows says how many more. */
    static final int MAX_LINES = ScanLines.MAX;
    /** Ids the first-scan summary names per health. */
    static final int IDS_SHOWN = 10;

    private final Logger log;

    HealthLog(Logger log) {
        this.log = log;
    }

    @Override
    public void published(MonitorState previous, MonitorState current) {
        Optional<Evaluation> now = current.evaluationNewSince(previous);
        if (now.isEmpty()) {
            return; // nothing evaluated yet, or the same evaluation published again (a failed scan, a reload note)
        }
        if (previous.evaluation().isEmpty()) {
            log.log(Level.INFO, "portwatch: first scan: " + summary(now.get()));
            return;
        }
        Map<RowKey, RowResult> before = byKey(previous.evaluation().get());
        ScanLines lines = new ScanLines(log);
        for (RowResult r : (Iterable<RowResult>) now.get().rows()::iterator) {
            RowResult old = before.get(key(r));
            if (old != null && old.health() != r.health()) {
                lines.log(r.health().code() > old.health().code() ? Level.WARNING : Level.INFO,
                        "portwatch: " + r.id() + " " + old.health() + " -> " + r.health() + ": " + oneLine(r.reason()));
            }
        }
        lines.end(more -> "portwatch: and " + more + " more rows changed health in this scan (only "
                + MAX_LINES + " are logged per scan)");
    }

    /** {@code 2 GREEN, 0 YELLOW, 5 RED (RED: a, b, c; GREEN: d, e)}: counts, and at most {@value #IDS_SHOWN} ids each. */
    static String summary(Evaluation evaluation) {
        StringBuilder line = new StringBuilder();
        line.append(evaluation.count(Health.GREEN)).append(" GREEN, ").append(evaluation.count(Health.YELLOW))
                .append(" YELLOW, ").append(evaluation.count(Health.RED)).append(" RED");
        List<String> parts = new ArrayList<>();
        for (Health h : List.of(Health.RED, Health.YELLOW, Health.GREEN)) {
            List<String> ids = evaluation.rows().filter(r -> r.health() == h).map(RowResult::id)
                    .collect(Collectors.toList());
            if (!ids.isEmpty()) {
                parts.add(h + ": " + String.join(", ", ids.subList(0, Math.min(IDS_SHOWN, ids.size())))
                        + (ids.size() > IDS_SHOWN ? " and " + (ids.size() - IDS_SHOWN) + " more" : ""));
            }
        }
        if (!parts.isEmpty()) {
            line.append(" (").append(String.join("; ", parts)).append(")");
        }
        return line.toString();
    }

    private static Map<RowKey, RowResult> byKey(Evaluation evaluation) {
        Map<RowKey, RowResult> map = new HashMap<>();
        evaluation.rows().forEach(r -> map.put(key(r), r));
        return map;
    }

    /**
     * Ids are unique per file: the kind keeps a listening row and a connection row of the same id apart. The id is
     * the row's own string, not a copy (ids of 250 characters, 20,000 rows: 5 MB per scan otherwise).
     */
    private static RowKey key(RowResult r) {
        return new RowKey(r instanceof ListeningResult ? 'l' : r instanceof ConnectionResult ? 'c' : '?', r.id());
    }

    private record RowKey(char kind, String id) {
    }

    /** A reason names processes a local user may name: control characters are shown escaped, one log line each. */
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
