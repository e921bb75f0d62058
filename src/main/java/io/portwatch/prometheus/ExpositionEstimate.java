package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.health.Evaluation;
import io.portwatch.state.MonitorState;

import java.util.HashSet;
import java.util.Set;

/**
 * A lower bound of the size of a state's exposition, in bytes, computed from its rows without building the metric
 * snapshots: a state whose rows alone surely pass the byte budget is refused before its snapshots are built, so an
 * over-budget state costs neither the snapshots' heap nor the rendering (rule 1 of docs/design.md §5).
 *
 * <p>Counted, per row in force: its {@code portwatch_row_info} series; per evaluated row: its health and
 * {@code portwatch_row_reason_info} series. Each counts the metric name, the label names and its {@code id}, never
 * more than the text format writes (OpenMetrics writes more).
 */
final class ExpositionEstimate {

    /** {@code portwatch_row_info{comment="",id="",kind="listening",source=""} 1.0} and a newline. */
    static final int ROW_INFO = 64;
    /** {@code portwatch_row_reason_info{id="",kind="listening",reason=""} 1.0} and a newline, at least. */
    static final int ROW_REASON = 56;
    /** A health series' name, label names, protocol or ports and severity, at least. */
    static final int HEALTH = 100;

    private ExpositionEstimate() {
    }

    /** At most the exposition's size in the text format, and so in OpenMetrics. */
    static long lowerBound(MonitorState state) {
        long bytes = 0;
        Definitions inForce = state.definitions().forHost(state.host());
        Set<String> ids = new HashSet<>(); // series of equal labels are one: count each id of a kind once
        for (ListeningRow row : inForce.listening()) {
            if (ids.add("l" + row.id())) {
                bytes += ROW_INFO + served(row.id());
            }
        }
        for (ConnectionRow row : inForce.connections()) {
            if (ids.add("c" + row.id())) {
                bytes += ROW_INFO + served(row.id());
            }
        }
        if (state.evaluation().isPresent()) {
            Evaluation e = state.evaluation().get();
            ids.clear();
            e.listening().forEach(r -> ids.add("l" + r.id()));
            e.connections().forEach(r -> ids.add("c" + r.id()));
            for (String id : ids) {
                bytes += HEALTH + ROW_REASON + 2L * served(id.substring(1));
            }
        }
        return bytes;
    }

    /** The characters of the served value: at most its UTF-8 bytes. */
    private static int served(String value) {
        return value.length() <= LabelValue.MAX_LENGTH ? value.length() : LabelValue.MAX_LENGTH;
    }
}
