package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningResult;
import io.portwatch.scan.SocketState;
import io.portwatch.state.MonitorState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each definitions row adds to a state's exposition, in bytes, computed from its rows without building the metric
 * snapshots: an upper bound in either format, so that the rows {@link #select}ed surely fit the byte budget (rule 2 of
 * docs/design.md §5). Counted, per row in force: its {@code portwatch_row_info} series; per evaluated row: its health,
 * reason, queue, socket and connection-quality series. Each series counts its name, every label name and served value
 * ({@link LabelValue#of}, escaped, in UTF-8) and the longest value a sample can be written as; series of equal labels
 * (rows of one kind and id) are counted once each, never merged.
 */
final class ExpositionEstimate {

    /** A space, the longest number either format writes (such as {@code -1.2345678901234567E-300}), a newline. */
    static final int VALUE = 32;
    /**
     * The lines of the per-row families that a rendering without any row may not write ({@code # HELP},
     * {@code # TYPE}, {@code # UNIT}): about 3 KB, counted once for the rows as a whole.
     */
    static final int FAMILY_HEADERS = 8192;
    private static final String LONGEST_STATE = longestState();

    /**
     * One row's key (its kind and id), rank in publication order (0 RED, 1 YELLOW, 2 GREEN, 3 not
     * evaluated) and the bytes its series take at most.
     */
    record RowCost(RowSelection.Key key, int rank, long bytes) {

        String kind() {
            return key.kind();
        }

        String id() {
            return key.id();
        }
    }

    private ExpositionEstimate() {
    }

    /**
     * The rows of {@code state} (in force, or evaluated), worst health first, then listening before connection rows,
     * then by id: the order in which {@link #select} publishes them.
     */
    static List<RowCost> rows(MonitorState state) {
        Map<RowSelection.Key, long[]> costs = new HashMap<>(); // key -> {rank, bytes}
        Definitions inForce = state.definitions().forHost(state.host());
        for (ListeningRow row : inForce.listening()) {
            add(costs, RowSelection.LISTENING, row.id(), 3, rowInfo(row.id(), RowSelection.LISTENING, row.comment(),
                    row.source().file()));
        }
        for (ConnectionRow row : inForce.connections()) {
            add(costs, RowSelection.CONNECTION, row.id(), 3, rowInfo(row.id(), RowSelection.CONNECTION, row.comment(),
                    row.source().file()));
        }
        if (state.evaluation().isPresent()) {
            Evaluation e = state.evaluation().get();
            for (ListeningResult r : e.listening()) {
                add(costs, RowSelection.LISTENING, r.id(), rank(r.health()), listening(r));
            }
            for (ConnectionResult r : e.connections()) {
                add(costs, RowSelection.CONNECTION, r.id(), rank(r.health()), connection(r));
            }
        }
        List<RowCost> rows = new ArrayList<>(costs.size());
        costs.forEach((key, c) -> rows.add(new RowCost(key, (int) c[0], c[1])));
        rows.sort(Comparator.comparingInt(RowCost::rank)
                .thenComparing(r -> r.kind().equals(RowSelection.LISTENING) ? 0 : 1).thenComparing(RowCost::id));
        return rows;
    }

    /**
     * Every row when they all fit in {@code rowBytes}, else the longest prefix of {@code rows} ({@link #rows}) that
     * surely fits in it, less {@link #FAMILY_HEADERS}.
     */
    static RowSelection select(List<RowCost> rows, long rowBytes) {
        long left = rowBytes - FAMILY_HEADERS;
        int n = 0;
        while (n < rows.size() && rows.get(n).bytes() <= left) {
            left -= rows.get(n).bytes();
            n++;
        }
        return first(rows, n);
    }

    /** The first {@code n} of {@code rows} published, the rest omitted ({@link RowSelection#ALL} when none is). */
    static RowSelection first(List<RowCost> rows, int n) {
        if (n >= rows.size()) {
            return RowSelection.ALL;
        }
        Set<RowSelection.Key> kept = new HashSet<>();
        for (int i = 0; i < n; i++) {
            kept.add(rows.get(i).key());
        }
        int listening = 0;
        int connections = 0;
        boolean allGreen = true;
        for (int i = n; i < rows.size(); i++) {
            RowCost r = rows.get(i);
            if (r.kind().equals(RowSelection.LISTENING)) {
                listening++;
            } else {
                connections++;
            }
            allGreen &= r.rank() == rank(Health.GREEN);
        }
        return new RowSelection(kept, listening, connections, allGreen);
    }

    /** Sum of the bytes of {@code rows}. */
    static long total(List<RowCost> rows) {
        return rows.stream().mapToLong(RowCost::bytes).sum() + FAMILY_HEADERS;
    }

    private static void add(Map<RowSelection.Key, long[]> costs, String kind, String id, int rank, long bytes) {
        long[] c = costs.computeIfAbsent(new RowSelection.Key(kind, id), k -> new long[] {3, 0});
        c[0] = Math.min(c[0], rank);
        c[1] += bytes;
    }

    private static int rank(Health health) {
        return Health.RED.code() - health.code();
    }

    private static long rowInfo(String id, String kind, String comment, String source) {
        return series("portwatch_row_info", "id", id, "kind", kind, "comment", comment, "source", source);
    }

    private static long listening(ListeningResult r) {
        ListeningRow row = r.row();
        return series("portwatch_listening_port_health", "id", row.id(), "protocol", row.protocol().label(),
                "local_ip", PortwatchCollector.address(row.localIP()), "local_port", row.localPort().toString(),
                "process", row.procName().text(), "severity", row.severity().label(), "netns", row.netns().text())
                + reason(r.id(), RowSelection.LISTENING, r.reasonCode().label())
                + series("portwatch_listening_port_accept_queue", "id", r.id())
                + series("portwatch_listening_port_backlog", "id", r.id());
    }

    private static long connection(ConnectionResult r) {
        ConnectionRow row = r.row();
        return series("portwatch_connection_health", "id", row.id(), "remote_ip",
                PortwatchCollector.address(row.remoteIP()), "remote_name",
                row.hasRemoteName() ? row.remoteName() : PortwatchCollector.ANY,
                "remote_port", row.remotePort().toString(), "local_port", row.localPort().toString(),
                "process", row.procName().text(), "severity", row.severity().label(), "netns", row.netns().text())
                + reason(r.id(), RowSelection.CONNECTION, r.reasonCode().label())
                + (1L + r.byState().size()) * series("portwatch_connection_sockets", "id", r.id(), "state",
                        LONGEST_STATE)
                + series("portwatch_connection_send_queue_bytes", "id", r.id())
                + series("portwatch_connection_receive_queue_bytes", "id", r.id())
                + (r.quality().isEmpty() ? 0 : series("portwatch_connection_rtt_seconds", "id", r.id())
                        + series("portwatch_connection_sent_segments_total", "id", r.id())
                        + series("portwatch_connection_retransmitted_segments_total", "id", r.id())
                        + series("portwatch_connection_stalled_sockets", "id", r.id()));
    }

    private static long reason(String id, String kind, String reason) {
        return series("portwatch_row_reason_info", "kind", kind, "id", id, "reason", reason);
    }

    /** {@code name{label="value",...} value} and a newline, at most. */
    static long series(String name, String... pairs) {
        long bytes = name.length() + 2L + VALUE; // the braces
        for (int i = 0; i < pairs.length; i += 2) {
            bytes += pairs[i].length() + 4L + escaped(LabelValue.of(pairs[i + 1])); // ="", and the comma
        }
        return bytes;
    }

    /** The UTF-8 bytes of a label value as both formats write it: backslash, quote and newline escaped. */
    static long escaped(String value) {
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"' || c == '\n') {
                bytes += 2;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                bytes += 2; // a pair is 4 bytes, a lone surrogate is made printable before
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String longestState() {
        String longest = "";
        for (SocketState s : SocketState.values()) {
            if (s.name().length() > longest.length()) {
                longest = s.name();
            }
        }
        return longest;
    }
}
