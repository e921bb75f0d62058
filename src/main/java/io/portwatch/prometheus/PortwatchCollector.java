package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NetnsPattern;
import io.portwatch.health.ConnectionQuality;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningResult;
import io.portwatch.state.MonitorState;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.SocketCounts;
import io.portwatch.health.UnexpectedListener;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * portwatch's metrics, built at scrape time from the last published {@link MonitorState}: a scrape
 * renders the state it is given ({@link MetricsHandler}) and nothing else; it never triggers or waits for
 * a scan (docs/design.md §1).
 *
 * <p>The catalogue (names, types, labels) is fixed: alert rules and dashboards depend on it, and the
 * metrics table of docs/metrics.md documents it ({@code MetricsTableTest} holds them
 * equal). A label value {@code *} means "any" (an empty or {@code *} field
 * of the definitions file). Every label value is at most {@value LabelValue#MAX_LENGTH} characters
 * ({@link LabelValue}), so rows bound the exposition as a whole. Label values come from bounded sets (docs/design.md §4): the {@code reason} label is
 * a {@link io.portwatch.health.ReasonCode}'s fixed text, and process names are capped by the evaluation
 * ({@code processes.max}, the rest summed as {@code other}); only {@code pidLabel} adds pids. A {@code netns}
 * label appears on the per-row health metrics only when a row of that kind has a {@code netns} column value, and
 * on {@code portwatch_process_sockets} only with {@code netnsLabel}.
 */
final class PortwatchCollector {

    /** Label value for an empty ("any") field of a definitions row. */
    static final String ANY = "*";

    private static final String LAST_SCAN = " (from the last completed scan)";

    /**
     * While {@link #snapshots} builds, the values {@link LabelValue#of} changed (cut or made printable), by original:
     * a long id is cut once per rendering, not once per series of its row (a row of the largest definitions has ten).
     */
    private static final ThreadLocal<Map<String, String>> CHANGED = new ThreadLocal<>();

    private PortwatchCollector() {
    }

    /**
     * Every metric of one state. Pure: the same state gives the same snapshots.
     *
     * <p>Metrics that describe a scan's results (row health, socket counts, unexpected listeners,
     * row counts by health) are absent before the first successful scan, and so are the last scan's
     * timestamp and duration; counters, configuration and build metrics are always present.
     */
    static MetricSnapshots snapshots(MonitorState state, boolean pidLabel) {
        return snapshots(state, new ProcessLabels(pidLabel, false));
    }

    /** Every metric of one state, {@code portwatch_process_sockets} with the opt-in {@code labels}. */
    static MetricSnapshots snapshots(MonitorState state, ProcessLabels labels) {
        return snapshots(state, labels, RowSelection.ALL);
    }

    /**
     * Every metric of one state, the per-row series (health, reason, row info, sockets, queues) only of the rows
     * {@code selection} keeps; the others are counted in {@code portwatch_rows_omitted}. Only the kept rows' snapshots
     * are built.
     */
    static MetricSnapshots snapshots(MonitorState state, ProcessLabels labels, RowSelection selection) {
        Map<String, String> outer = CHANGED.get();
        CHANGED.set(new HashMap<>());
        try {
            return build(state, labels, selection);
        } finally {
            CHANGED.set(outer);
        }
    }

    private static MetricSnapshots build(MonitorState state, ProcessLabels labels, RowSelection selection) {
        List<MetricSnapshot> out = new ArrayList<>();
        Optional<Evaluation> evaluation = state.evaluation();

        evaluation.ifPresent(e -> {
            List<ListeningResult> listening = kept(e.listening(), selection, RowSelection.LISTENING);
            List<ConnectionResult> connections = kept(e.connections(), selection, RowSelection.CONNECTION);
            // the netns label is judged on every row, kept or not: leaving rows out never changes a kept row's labels
            out.add(listeningHealth(listening, e.listening().stream().anyMatch(r -> !r.row().netns().isOwn())));
            out.add(connectionHealth(connections, e.connections().stream().anyMatch(r -> !r.row().netns().isOwn())));
            out.add(rowReasons(listening, connections));
            out.add(connectionSockets(connections));
            out.add(listeningQueue(listening, true));
            out.add(listeningQueue(listening, false));
            out.add(connectionQueue(connections, true));
            out.add(connectionQueue(connections, false));
            out.addAll(connectionQuality(connections));
            if (e.listen().known()) {
                out.add(counter("portwatch_listen_overflows", "Connections the host's TCP listeners could not take"
                        + " because their accept queue was full, since boot (Linux ListenOverflows)" + LAST_SCAN,
                        e.listen().overflows()));
                out.add(counter("portwatch_listen_drops", "Connections dropped by the host's TCP listeners for any"
                        + " reason, overflows included, since boot (Linux ListenDrops)" + LAST_SCAN, e.listen().drops()));
            }
            out.add(processSockets(e.processes(), labels));
            out.add(hostSockets(e.host()));
            out.add(unexpectedListener(e.unexpected()));
            out.add(gauge("portwatch_unexpected_listeners",
                    "Number of listeners no listening row covers, 0 when unexpectedListeners is off" + LAST_SCAN,
                    e.unexpected().size()));
            Series rows = new Series();
            for (Health h : Health.values()) {
                rows.set(e.count(h), "health", h.name().toLowerCase(Locale.ROOT));
            }
            out.add(rows.gauge("portwatch_rows", "Number of rows in each health: green, yellow, red" + LAST_SCAN));
        });

        if (state.scans() > 0) {
            out.add(GaugeSnapshot.builder().name("portwatch_scan_duration_seconds").unit(Unit.SECONDS)
                    .help("Duration of the last scan, successful or not")
                    .dataPoint(point(seconds(state.lastScanDuration()))).build());
        }
        state.lastScanAt().ifPresent(at -> out.add(GaugeSnapshot.builder()
                .name("portwatch_last_scan_timestamp_seconds").unit(Unit.SECONDS)
                .help("Unix time when the last successful scan started; the published results are from that scan")
                .dataPoint(point(at.toEpochMilli() / 1000.0)).build()));
        out.add(GaugeSnapshot.builder().name("portwatch_scan_interval_seconds").unit(Unit.SECONDS)
                .help("Configured scan interval; a scrape reads the results of the last scan and never starts one")
                .dataPoint(point(seconds(state.interval()))).build());
        out.add(counter("portwatch_scans", "Scans attempted", state.scans()));
        out.add(counter("portwatch_scan_failures",
                "Scans that failed; the results of the last good scan then stay, marked stale", state.scanFailures()));
        out.add(counter("portwatch_scan_overruns", "Scans that took longer than the scan interval", state.overruns()));
        out.add(counter("portwatch_history_events", "Rows written to the activity log's events file"
                + " (stays 0 when history.dir is not set)", state.history().eventsWritten()));
        out.add(counter("portwatch_history_write_failures", "Rows of any activity log file that could not be written",
                state.history().writeFailures()));
        out.add(gauge("portwatch_results_stale",
                "1 when the last scan failed and the published results are from an older scan, else 0",
                state.stale() ? 1 : 0));

        Definitions inForce = state.definitions().forHost(state.host());
        Series definitions = new Series();
        definitions.set(inForce.listening().size(), "kind", "listening");
        definitions.set(inForce.connections().size(), "kind", "connection");
        out.add(definitions.gauge("portwatch_definitions", "Definition rows loaded and in force on this host, by kind"));
        if (evaluation.isPresent() || selection.omitted() > 0) { // before the first scan, only when rows are left out
            out.add(rowsOmitted(selection));
        }
        out.add(rowInfo(inForce, selection));
        out.add(gauge("portwatch_config_errors", "Problems in the definitions files at the last (re)load;"
                + " more than 0 means the last good definitions are still in force", state.configErrors().size()));
        out.add(CounterSnapshot.builder().name("portwatch_config_reloads").help("Definitions reloads, by result")
                .dataPoint(CounterDataPointSnapshot.builder().labels(labels("result", "success"))
                        .value(state.reloadsOk()).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(labels("result", "failure"))
                        .value(state.reloadsFailed()).build())
                .build());
        out.add(InfoSnapshot.builder().name("portwatch_build").help("portwatch's version and this host's name")
                .dataPoint(InfoDataPointSnapshot.builder()
                        .labels(labels("version", Objects.toString(state.version(), ""), "host", state.host())).build())
                .build());
        return new MetricSnapshots(out);
    }

    /** The results of {@code kind} whose row {@code rows} keeps: {@code results} itself when it keeps every row. */
    private static <R> List<R> kept(List<R> results, RowSelection rows, String kind) {
        if (rows.kept() == null) {
            return results;
        }
        List<R> kept = new ArrayList<>();
        for (R r : results) {
            String id = r instanceof ListeningResult l ? l.id() : ((ConnectionResult) r).id();
            if (rows.keeps(kind, id)) {
                kept.add(r);
            }
        }
        return kept;
    }

    private static MetricSnapshot listeningHealth(List<ListeningResult> results, boolean netns) {
        Series s = new Series();
        for (ListeningResult r : results) {
            ListeningRow row = r.row();
            s.set(r.health().code(), netns(netns, row.netns(), "id", row.id(), "protocol", row.protocol().label(),
                    "local_ip", address(row.localIP()), "local_port", row.localPort().toString(),
                    "process", row.procName().text(), "severity", row.severity().label()));
        }
        return s.gauge("portwatch_listening_port_health",
                "Health of a listening-port row: 0 GREEN, 1 YELLOW, 2 RED" + LAST_SCAN);
    }

    private static MetricSnapshot connectionHealth(List<ConnectionResult> results, boolean netns) {
        Series s = new Series();
        for (ConnectionResult r : results) {
            ConnectionRow row = r.row();
            s.set(r.health().code(), netns(netns, row.netns(), "id", row.id(), "remote_ip", address(row.remoteIP()),
                    "remote_name", row.hasRemoteName() ? row.remoteName() : ANY,
                    "remote_port", row.remotePort().toString(), "local_port", row.localPort().toString(),
                    "process", row.procName().text(), "severity", row.severity().label()));
        }
        return s.gauge("portwatch_connection_health",
                "Health of a connection row: 0 GREEN, 1 YELLOW, 2 RED" + LAST_SCAN);
    }

    /**
     * A row's labels, with {@code netns} when {@code withNetns} (some row of the kind has a {@code netns} column):
     * the column as written ({@code *}, a glob, a name; {@code ""} for a row without it, which Prometheus treats
     * as no label), never the namespace matched, so that a restarted container's new id makes no new series.
     */
    private static String[] netns(boolean withNetns, NetnsPattern netns, String... labels) {
        if (!withNetns) {
            return labels;
        }
        String[] all = Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = "netns";
        all[labels.length + 1] = netns.text();
        return all;
    }

    private static MetricSnapshot rowReasons(List<ListeningResult> listening, List<ConnectionResult> connections) {
        Map<Labels, InfoDataPointSnapshot> points = new LinkedHashMap<>();
        // the fixed text of the case, never the full reason: no pid, count or address makes a new series
        listening.forEach(r -> reason(points, "listening", r.id(), r.reasonCode().label()));
        connections.forEach(r -> reason(points, "connection", r.id(), r.reasonCode().label()));
        InfoSnapshot.Builder b = InfoSnapshot.builder().name("portwatch_row_reason")
                .help("Why each row has its current health, always 1; reason is one fixed text per case, the full"
                        + " reason with pids and counts is in JMX, Jolokia and check" + LAST_SCAN);
        points.values().forEach(b::dataPoint);
        return b.build();
    }

    private static void reason(Map<Labels, InfoDataPointSnapshot> points, String kind, String id, String reason) {
        Labels labels = labels("kind", kind, "id", id, "reason", reason);
        points.putIfAbsent(labels, InfoDataPointSnapshot.builder().labels(labels).build());
    }

    private static MetricSnapshot connectionSockets(List<ConnectionResult> results) {
        Series s = new Series();
        for (ConnectionResult r : results) {
            // ESTABLISHED is always there (0 included): it is the count minCount/maxCount judge
            s.set(r.established(), "id", r.id(), "state", SocketState.ESTABLISHED.name());
            r.byState().forEach((state, n) -> s.set(n, "id", r.id(), "state", state.name()));
        }
        return s.gauge("portwatch_connection_sockets",
                "Sockets matched by a connection row and owned by the expected process, by state" + LAST_SCAN);
    }

    /** Accept queue or backlog of each TCP listening row whose listeners tell it (summed over them). */
    private static MetricSnapshot listeningQueue(List<ListeningResult> results, boolean queue) {
        Series s = new Series();
        for (ListeningResult r : results) {
            int value = queue ? r.acceptQueue() : r.backlog();
            if (value >= 0) {
                s.set(value, "id", r.id());
            }
        }
        return queue
                ? s.gauge("portwatch_listening_port_accept_queue", "Connections waiting in the accept queues of a"
                        + " listening row's TCP listeners, summed; above portwatch_listening_port_backlog means full"
                        + LAST_SCAN)
                : s.gauge("portwatch_listening_port_backlog", "Backlog (accept queue limit) of a listening row's TCP"
                        + " listeners, summed" + LAST_SCAN);
    }

    /** Send or receive queue bytes of each connection row's ESTABLISHED sockets, where the platform tells them. */
    private static MetricSnapshot connectionQueue(List<ConnectionResult> results, boolean send) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().unit(Unit.BYTES);
        for (ConnectionResult r : results) {
            long value = send ? r.sendQueueBytes() : r.receiveQueueBytes();
            if (value >= 0) {
                b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels("id", r.id())).value(value).build());
            }
        }
        return send
                ? b.name("portwatch_connection_send_queue_bytes").help("Bytes sent and not yet acknowledged by the"
                        + " peer, summed over a connection row's ESTABLISHED sockets of the expected process" + LAST_SCAN)
                        .build()
                : b.name("portwatch_connection_receive_queue_bytes").help("Bytes received and not yet read by the"
                        + " process, summed over a connection row's ESTABLISHED sockets of the expected process"
                        + LAST_SCAN).build();
    }

    /**
     * The connection quality of each connection row whose quality is known (docs/design.md §3: the netlink reader):
     * worst RTT (only while a socket is measured), sent and retransmitted segments (sums of per-socket deltas: they
     * only grow), stalled sockets.
     */
    private static List<MetricSnapshot> connectionQuality(List<ConnectionResult> results) {
        GaugeSnapshot.Builder rtt = GaugeSnapshot.builder().unit(Unit.SECONDS);
        CounterSnapshot.Builder sent = CounterSnapshot.builder();
        CounterSnapshot.Builder retransmitted = CounterSnapshot.builder();
        Series stalled = new Series();
        for (ConnectionResult r : results) {
            if (r.quality().isEmpty()) {
                continue;
            }
            ConnectionQuality q = r.quality().get();
            Labels id = labels("id", r.id());
            if (q.rttKnown()) {
                rtt.dataPoint(GaugeDataPointSnapshot.builder().labels(id).value(q.worstRttSeconds()).build());
            }
            sent.dataPoint(CounterDataPointSnapshot.builder().labels(id).value(q.sentSegments()).build());
            retransmitted.dataPoint(CounterDataPointSnapshot.builder().labels(id).value(q.retransmittedSegments())
                    .build());
            stalled.set(q.stalledSockets(), "id", r.id());
        }
        return List.of(
                rtt.name("portwatch_connection_rtt_seconds").help("Smoothed round-trip time of the slowest of a connection"
                        + " row's ESTABLISHED sockets of the expected process (netlink reader only)" + LAST_SCAN).build(),
                sent.name("portwatch_connection_sent_segments").help("TCP segments sent by a connection row's"
                        + " ESTABLISHED sockets of the expected process since portwatch first saw them (netlink"
                        + " reader only)" + LAST_SCAN).build(),
                retransmitted.name("portwatch_connection_retransmitted_segments").help("TCP segments retransmitted by"
                        + " a connection row's ESTABLISHED sockets of the expected process since portwatch first saw"
                        + " them (netlink reader only)" + LAST_SCAN).build(),
                stalled.gauge("portwatch_connection_stalled_sockets", "ESTABLISHED sockets of a connection row"
                        + " holding unacknowledged data with no acknowledgement for longer than stallSeconds (netlink"
                        + " reader only)" + LAST_SCAN));
    }

    private static MetricSnapshot rowsOmitted(RowSelection selection) {
        Series omitted = new Series();
        omitted.set(selection.omittedListening(), "kind", RowSelection.LISTENING);
        omitted.set(selection.omittedConnections(), "kind", RowSelection.CONNECTION);
        return omitted.gauge("portwatch_rows_omitted", "Rows whose per-row series are left out of this exposition"
                + " because all would not fit prometheus.maxResponseSize (RED first, then YELLOW, then GREEN are kept),"
                + " by kind; 0 normally");
    }

    /** One series per definitions row in force: its comment and the file it came from. */
    private static MetricSnapshot rowInfo(Definitions inForce, RowSelection rows) {
        Map<Labels, InfoDataPointSnapshot> points = new LinkedHashMap<>();
        for (ListeningRow row : inForce.listening()) {
            if (!rows.keeps(RowSelection.LISTENING, row.id())) {
                continue;
            }
            rowInfo(points, row.id(), "listening", row.comment(), row.source().file());
        }
        for (ConnectionRow row : inForce.connections()) {
            if (!rows.keeps(RowSelection.CONNECTION, row.id())) {
                continue;
            }
            rowInfo(points, row.id(), "connection", row.comment(), row.source().file());
        }
        InfoSnapshot.Builder b = InfoSnapshot.builder().name("portwatch_row")
                .help("Each definitions row in force, always 1: its comment and the definitions file it came from"
                        + " (every label value at most " + LabelValue.MAX_LENGTH + " characters)");
        points.values().forEach(b::dataPoint);
        return b.build();
    }

    private static void rowInfo(Map<Labels, InfoDataPointSnapshot> points, String id, String kind, String comment,
                                String source) {
        Labels labels = labels("id", id, "kind", kind, "comment", comment, "source", source);
        points.putIfAbsent(labels, InfoDataPointSnapshot.builder().labels(labels).build());
    }

    private static MetricSnapshot processSockets(List<ProcessSockets> processes, ProcessLabels labels) {
        Series s = new Series();
        for (ProcessSockets p : processes) {
            if (!labels.pid()) {
                if (labels.netns()) {
                    p.byNetns().forEach((netns, counts) -> counts(s, counts, "process", p.name(), "netns", netns));
                } else {
                    counts(s, p.counts(), "process", p.name());
                }
                continue;
            }
            if (p.isOther()) { // stays one sum (per namespace): the cap bounds the series even with pids
                if (labels.netns()) {
                    p.byNetns().forEach((netns, counts) -> counts(s, counts, "process", p.name(), "pid", "",
                            "netns", netns));
                } else {
                    counts(s, p.counts(), "process", p.name(), "pid", "");
                }
                continue;
            }
            if (!labels.netns()) {
                p.byPid().forEach((pid, counts) -> counts(s, counts, "process", p.name(), "pid", Integer.toString(pid)));
                // sockets whose owner cannot be seen have no pid: pid="" (the same series as without the label)
                counts(s, remainder(p.counts(), p.byPid().values()), "process", p.name(), "pid", "");
                continue;
            }
            p.byPidAndNetns().forEach((pid, perNetns) -> perNetns.forEach((netns, counts) ->
                    counts(s, counts, "process", p.name(), "pid", Integer.toString(pid), "netns", netns)));
            p.byNetns().forEach((netns, counts) -> {
                List<SocketCounts> byPids = new ArrayList<>();
                p.byPidAndNetns().values().forEach(perNetns -> {
                    SocketCounts c = perNetns.get(netns);
                    if (c != null) {
                        byPids.add(c);
                    }
                });
                counts(s, remainder(counts, byPids), "process", p.name(), "pid", "", "netns", netns);
            });
        }
        return s.gauge("portwatch_process_sockets", "Sockets per process name by protocol and state;"
                + " process unknown when the owner cannot be seen, other for the names beyond processes.max"
                + " summed" + LAST_SCAN);
    }

    /** The counts of {@code whole} that no pid's {@code byPids} accounts for (sockets with an unseen owner). */
    private static Map<Protocol, Map<SocketState, Integer>> remainder(SocketCounts whole,
                                                                       Collection<SocketCounts> byPids) {
        Map<Protocol, Map<SocketState, Integer>> left = new EnumMap<>(Protocol.class);
        whole.asMap().forEach((protocol, byState) -> byState.forEach((state, n) -> {
            int counted = byPids.stream().mapToInt(c -> c.get(protocol, state)).sum();
            if (n > counted) {
                left.computeIfAbsent(protocol, k -> new EnumMap<>(SocketState.class)).put(state, n - counted);
            }
        }));
        return left;
    }

    private static MetricSnapshot hostSockets(SocketCounts host) {
        Series s = new Series();
        counts(s, host);
        return s.gauge("portwatch_sockets", "Sockets of the host by protocol and state" + LAST_SCAN);
    }

    private static void counts(Series s, SocketCounts counts, String... labels) {
        counts(s, counts.asMap(), labels);
    }

    private static void counts(Series s, Map<Protocol, Map<SocketState, Integer>> counts, String... labels) {
        counts.forEach((protocol, byState) -> byState.forEach((state, n) -> {
            String[] all = Arrays.copyOf(labels, labels.length + 4);
            all[labels.length] = "protocol";
            all[labels.length + 1] = protocol.label();
            all[labels.length + 2] = "state";
            all[labels.length + 3] = state.name();
            s.set(n, all);
        }));
    }

    private static MetricSnapshot unexpectedListener(List<UnexpectedListener> listeners) {
        Series s = new Series();
        for (UnexpectedListener u : listeners) {
            SocketEntry socket = u.socket();
            // several sockets can share these labels (SO_REUSEPORT, worker processes): one series, value 1
            s.set(1, "protocol", socket.protocol().label(), "local_ip", Addresses.format(socket.localAddress()),
                    "local_port", Integer.toString(socket.localPort()), "process", u.process(),
                    "netns", socket.netns().name()); // 0.0.0.0 in a container is the container's, not the host's
        }
        return s.gauge("portwatch_unexpected_listener",
                "1 for each listener no listening row covers, only when unexpectedListeners=warn" + LAST_SCAN);
    }

    static String address(Optional<InetAddress> address) {
        return address.map(Addresses::format).orElse(ANY);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(value)).build();
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    /**
     * Labels from name-value pairs, every value through {@link LabelValue#of}: at most {@value LabelValue#MAX_LENGTH}
     * characters, printable, and two different values never one.
     */
    private static Labels labels(String... pairs) {
        String[] served = pairs.clone();
        for (int i = 1; i < served.length; i += 2) {
            served[i] = served(served[i]);
        }
        return Labels.of(served);
    }

    /** {@code value} as served, the same string for every series that holds it in one rendering. */
    private static String served(String value) {
        Map<String, String> changed = CHANGED.get();
        String known = changed == null ? null : changed.get(value);
        if (known != null) {
            return known;
        }
        String served = LabelValue.of(value);
        if (served != value && changed != null) {
            changed.put(value, served);
        }
        return served;
    }

    private static GaugeDataPointSnapshot point(double value) {
        return GaugeDataPointSnapshot.builder().value(value).build();
    }

    /** Gauge data points keyed by labels: a repeated label set keeps its last value, never fails a scrape. */
    private static final class Series {
        private final Map<Labels, Double> values = new LinkedHashMap<>();

        void set(double value, String... labelPairs) {
            values.put(labels(labelPairs), value);
        }

        GaugeSnapshot gauge(String name, String help) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            values.forEach((labels, v) -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(v).build()));
            return b.build();
        }
    }
}
