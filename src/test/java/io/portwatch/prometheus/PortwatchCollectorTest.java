package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.OPENMETRICS;
import static io.portwatch.prometheus.Exposition.golden;
import static io.portwatch.prometheus.Exposition.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.ConnectionReason;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.ListeningResult;
import io.portwatch.state.MonitorState;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.UnexpectedListener;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;
import io.portwatch.testing.NamespacedSockets;
import io.portwatch.testing.Rows;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Sockets;
import io.portwatch.testing.StateBuilder;
import io.portwatch.testing.States;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The metrics of hand-built states, rendered as the endpoint renders them (no server). */
class PortwatchCollectorTest {

    @Test
    void textFormatOfAScannedStateIsTheGoldenFile() {
        String actual = render(States.scanned(), false, null);
        assertEquals(golden(getClass(), "scanned.txt", actual), actual);
    }

    @Test
    void openMetricsOfAScannedStateIsTheGoldenFile() {
        String actual = render(States.scanned(), false, OPENMETRICS);
        assertEquals(golden(getClass(), "scanned.openmetrics.txt", actual), actual);
    }

    @Test
    void everyRowInForceHasOneRowInfoWithItsCommentCappedAndItsFile() {
        String longComment = "x".repeat(1024);
        ListeningRow commented = new ListeningRow("web", Protocol.TCP, Optional.empty(), PortRange.parse("80"),
                NamePattern.ANY, longComment, NamePattern.ANY, Severity.CRITICAL, new Source("web.csv", 9));
        MonitorState state = States.builder().version("1")
                .definitions(List.of(States.SSH, commented, States.OTHER_HOST), List.of(States.POOL)).build();
        List<TextFormat.Sample> samples = TextFormat.parseText(render(state, false, null)).get("portwatch_row_info")
                .samples();
        assertEquals(Set.of(
                Map.of("id", "ssh", "kind", "listening", "comment", "", "source", "monitoredListeningPorts.csv"),
                Map.of("id", "web", "kind", "listening", "comment", LabelValue.of(longComment),
                        "source", "web.csv"),
                Map.of("id", "pool", "kind", "connection", "comment", "", "source", "monitoredTcpConnects.csv")),
                samples.stream().map(TextFormat.Sample::labels).collect(Collectors.toSet()),
                "one per row, db-listener is for another host");
        assertEquals(3, samples.size());
        samples.forEach(s -> assertEquals(1.0, s.value()));
    }

    @Test
    void queueMetricsComeFromTheResultsAndTheHostCounters() {
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(States.scanned(), false, null));
        assertEquals(0, value(families, "portwatch_listening_port_accept_queue", Map.of("id", "ssh")));
        assertEquals(128, value(families, "portwatch_listening_port_backlog", Map.of("id", "ssh")));
        assertEquals(1, families.get("portwatch_listening_port_backlog").samples().size(), "admin has no listener");
        assertEquals(1448, value(families, "portwatch_connection_send_queue_bytes", Map.of("id", "pool")));
        assertEquals(0, value(families, "portwatch_connection_receive_queue_bytes", Map.of("id", "pool")));
        assertEquals(3, value(families, "portwatch_listen_overflows_total", Map.of()));
        assertEquals(7, value(families, "portwatch_listen_drops_total", Map.of()));
    }

    @Test
    void beforeTheFirstScanOnlyAgentMetricsAreServed() {
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(States.initial(), false, null));
        assertEquals(Set.of("portwatch_scan_interval_seconds", "portwatch_scans_total", "portwatch_scan_failures_total",
                "portwatch_scan_overruns_total", "portwatch_history_events_total",
                "portwatch_history_write_failures_total", "portwatch_results_stale", "portwatch_definitions",
                "portwatch_config_errors", "portwatch_config_reloads_total", "portwatch_build_info", "portwatch_row_info"),
                families.keySet());
        assertEquals(0, families.get("portwatch_scans_total").samples().get(0).value());
    }

    @Test
    void timestampIsOmittedUntilAScanSucceedsButDurationIsShownAfterAFailedOne() {
        MonitorState failed = States.initial().withScanFailure(Duration.ofMillis(1500), false, "boom");
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(failed, false, null));
        assertFalse(families.containsKey("portwatch_last_scan_timestamp_seconds"));
        assertEquals(1.5, value(families, "portwatch_scan_duration_seconds", Map.of()));
        assertEquals(1, value(families, "portwatch_results_stale", Map.of()));
        assertEquals(1, value(families, "portwatch_scan_failures_total", Map.of()));
    }

    @Test
    void lastScanTimestampIsUnixSecondsWithMilliseconds() {
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(States.scanned(), false, null));
        assertEquals(States.SCANNED.toEpochMilli() / 1000.0,
                value(families, "portwatch_last_scan_timestamp_seconds", Map.of()));
    }

    @Test
    void definitionsCountOnlyTheRowsForThisHost() {
        // 3 listening rows are loaded, one of them for hosts db*: 2 are in force on web01
        Map<String, TextFormat.Family> before = TextFormat.parseText(render(States.initial(), false, null));
        assertEquals(2, value(before, "portwatch_definitions", Map.of("kind", "listening")));
        assertEquals(1, value(before, "portwatch_definitions", Map.of("kind", "connection")));
        Map<String, TextFormat.Family> after = TextFormat.parseText(render(States.scanned(), false, null));
        assertEquals(2, value(after, "portwatch_definitions", Map.of("kind", "listening")));
    }

    @Test
    void staleStateKeepsTheLastResultsAndSaysSo() {
        MonitorState stale = States.scanned().withScanFailure(Duration.ofMillis(2), true, "netlink failed");
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(stale, false, null));
        assertEquals(1, value(families, "portwatch_results_stale", Map.of()));
        assertEquals(2, value(families, "portwatch_listening_port_health", Map.of("id", "admin")));
        assertEquals(States.SCANNED.toEpochMilli() / 1000.0,
                value(families, "portwatch_last_scan_timestamp_seconds", Map.of()));
        assertEquals(3, value(families, "portwatch_scan_overruns_total", Map.of()));
    }

    @Test
    void anyFieldsAreStarAndRangesAreLowDashHigh() {
        ConnectionRow anything = Rows.connection("anything").localPort("8000-8010").min(0)
                .source("monitoredTcpConnects.csv", 9).build();
        ConnectionResult r = new ConnectionResult(anything, ConnectionReason.COUNT_AS_EXPECTED, "ok", States.SCANNED, List.of(), Map.of(), "k");
        MonitorState state = withEvaluation(new Evaluation(States.SCANNED, List.of(), List.of(r), List.of(),
                StateBuilder.counts(), List.of()));
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(state, false, null));
        assertEquals(Map.of("id", "anything", "remote_ip", "*", "remote_name", "*", "remote_port", "*",
                        "local_port", "8000-8010", "process", "*", "severity", "critical"),
                families.get("portwatch_connection_health").samples().get(0).labels());
        // ESTABLISHED is always there, 0 included: the count minCount/maxCount judge
        assertEquals(0, value(families, "portwatch_connection_sockets", Map.of("id", "anything", "state", "ESTABLISHED")));
        assertEquals(0, value(families, "portwatch_unexpected_listeners", Map.of()));
        assertFalse(families.containsKey("portwatch_unexpected_listener"));
    }

    @Test
    void pidLabelGivesOneSeriesPerPidAndAnEmptyPidForUnseenOwners() {
        ProcessSockets unknown = new ProcessSockets(ProcessSockets.UNKNOWN, List.of(), List.of(),
                StateBuilder.counts(Protocol.TCP, SocketState.TIME_WAIT, 3), Map.of());
        Evaluation e = States.scanned().evaluation().orElseThrow();
        List<ProcessSockets> processes = new java.util.ArrayList<>(e.processes());
        processes.add(unknown);
        MonitorState state = withEvaluation(new Evaluation(e.testedAt(), e.listening(), e.connections(), processes,
                e.host(), e.unexpected()));

        Map<String, TextFormat.Family> withPid = TextFormat.parseText(render(state, true, null));
        Set<String> series = withPid.get("portwatch_process_sockets").samples().stream()
                .map(s -> s.labels().get("process") + "/" + s.labels().get("pid") + "/" + s.labels().get("protocol")
                        + "/" + s.labels().get("state") + "=" + (int) s.value())
                .collect(Collectors.toSet());
        assertEquals(Set.of("java/4242/tcp/ESTABLISHED=10", "java/4242/tcp/CLOSE_WAIT=1", "java/4243/tcp/ESTABLISHED=2",
                "java/4243/udp/UNCONN=1", "sshd/812/tcp/LISTEN=1", "sshd/812/tcp/ESTABLISHED=1",
                "unknown//tcp/TIME_WAIT=3"), series);

        Map<String, TextFormat.Family> without = TextFormat.parseText(render(state, false, null));
        assertTrue(without.get("portwatch_process_sockets").samples().stream()
                .noneMatch(s -> s.labels().containsKey("pid")));
        assertEquals(12, value(without, "portwatch_process_sockets",
                Map.of("process", "java", "protocol", "tcp", "state", "ESTABLISHED")));
    }

    @Test
    void listenersSharingTheirLabelsAreOneSeries() {
        // SO_REUSEPORT: two nginx workers each hold a listening socket on 0.0.0.0:80
        SocketEntry a = new SocketEntry(Protocol.TCP, Addresses.anyIPv4(), 80, Addresses.anyIPv4(), 0,
                SocketState.LISTEN, 1, 0, 100);
        List<UnexpectedListener> two = List.of(new UnexpectedListener(a, "nginx"),
                new UnexpectedListener(a.withPid(101), "nginx"));
        MonitorState state = withEvaluation(new Evaluation(States.SCANNED, List.of(), List.of(), List.of(),
                StateBuilder.counts(), two));
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(state, false, null));
        List<TextFormat.Sample> samples = families.get("portwatch_unexpected_listener").samples();
        assertEquals(1, samples.size());
        assertEquals(Map.of("protocol", "tcp", "local_ip", "0.0.0.0", "local_port", "80", "process", "nginx",
                "netns", "host"), samples.get(0).labels());
        assertEquals(1, samples.get(0).value());
        assertEquals(2, value(families, "portwatch_unexpected_listeners", Map.of()));
    }

    @Test
    void wildcardListenerInAContainerIsReportedWithItsNamespaceNotAsTheHosts() {
        SocketEntry host = new SocketEntry(Protocol.TCP, Addresses.anyIPv4(), 80, Addresses.anyIPv4(), 0,
                SocketState.LISTEN, 1, 0, 100);
        SocketEntry container = new SocketEntry(Protocol.TCP, Addresses.anyIPv4(), 80, Addresses.anyIPv4(), 0,
                SocketState.LISTEN, 2, 0, 200, new NetNamespace(4026532999L, "container:4f8e2a9c1b7d", false));
        MonitorState state = withEvaluation(new Evaluation(States.SCANNED, List.of(), List.of(), List.of(),
                StateBuilder.counts(), List.of(new UnexpectedListener(host, "nginx"), new UnexpectedListener(container, "nginx"))));
        List<TextFormat.Sample> samples = TextFormat.parseText(render(state, false, null))
                .get("portwatch_unexpected_listener").samples();
        assertEquals(List.of("container:4f8e2a9c1b7d", "host"),
                samples.stream().map(x -> x.labels().get("netns")).sorted().collect(java.util.stream.Collectors.toList()));
    }

    @Test
    void processNamesWithQuotesBackslashesAndNewlinesStayOneValidLabelValue() {
        // a process name is whatever its owner chose (Linux comm, Windows image name)
        String name = "x\"C:\\Program Files\\y\nz";
        ProcessSockets odd = new ProcessSockets(name, List.of(7), List.of(), StateBuilder.counts(Protocol.TCP,
                SocketState.LISTEN, 1), Map.of(7, StateBuilder.counts(Protocol.TCP, SocketState.LISTEN, 1)));
        Evaluation e = States.scanned().evaluation().orElseThrow();
        MonitorState state = withEvaluation(new Evaluation(e.testedAt(), e.listening(), e.connections(), List.of(odd),
                e.host(), e.unexpected()));
        for (String accept : new String[] {null, OPENMETRICS}) {
            String body = render(state, false, accept);
            Map<String, TextFormat.Family> families = accept == null ? TextFormat.parseText(body)
                    : TextFormat.parseOpenMetrics(body);
            // quotes and backslashes as they are; the newline written visibly and the value marked (LabelValue)
            assertEquals(List.of(LabelValue.of(name)), families.get("portwatch_process_sockets").samples().stream()
                    .map(sample -> sample.labels().get("process")).collect(Collectors.toList()), body);
            assertTrue(LabelValue.of(name).startsWith("x\"C:\\Program Files\\y\\x0az" + LabelValue.MARKER));
        }
    }

    @Test
    void reasonLabelIsTheFixedTextOfTheCaseNotTheFullReason() {
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(States.scanned(), false, null));
        Set<String> series = families.get("portwatch_row_reason_info").samples().stream()
                .map(s -> s.labels().get("kind") + "/" + s.labels().get("id") + ": " + s.labels().get("reason"))
                .collect(Collectors.toSet());
        // the full reasons of States.scanned() name pid 812, port 22, "12 ESTABLISHED": none of that is a label
        assertEquals(Set.of("listening/ssh: listening", "listening/admin: not listening",
                "connection/pool: more established than maxCount"), series);
    }

    @Test
    void aRowWhoseFullReasonChangesKeepsItsOneReasonSeries() {
        // a restart (new pid) and a pool resize (new count) change the full reason, not the series
        Evaluation e = States.scanned().evaluation().orElseThrow();
        ListeningResult ssh = e.listening().get(0);
        ConnectionResult pool = e.connections().get(0);
        Evaluation later = new Evaluation(e.testedAt(),
                List.of(new ListeningResult(ssh.row(), ssh.reasonCode(), "tcp/22 listening on 0.0.0.0, owned by sshd"
                        + " (pid 31337)", ssh.testedAt(), ssh.matched(), ssh.netstatWatcherKey()), e.listening().get(1)),
                List.of(new ConnectionResult(pool.row(), pool.reasonCode(), "14 ESTABLISHED to 10.0.0.5:5432 by java,"
                        + " expected 1 to 10", pool.testedAt(), pool.matched(), pool.byState(), pool.netstatWatcherKey())),
                e.processes(), e.host(), e.unexpected());
        assertEquals(reasonSeries(States.scanned()), reasonSeries(withEvaluation(later)));
    }

    @Test
    void theOtherBucketIsOneSumEvenWithThePidLabel() {
        ProcessSockets other = new ProcessSockets(ProcessSockets.OTHER, List.of(501, 502), List.of("a", "b"),
                StateBuilder.counts(Protocol.TCP, SocketState.ESTABLISHED, 5),
                Map.of(501, StateBuilder.counts(Protocol.TCP, SocketState.ESTABLISHED, 2),
                        502, StateBuilder.counts(Protocol.TCP, SocketState.ESTABLISHED, 3)));
        ProcessSockets realOther = new ProcessSockets(ProcessSockets.publishedName("other"), List.of(600), List.of("c"),
                StateBuilder.counts(Protocol.TCP, SocketState.LISTEN, 1), Map.of(600, StateBuilder.counts(Protocol.TCP,
                SocketState.LISTEN, 1)));
        Evaluation e = States.scanned().evaluation().orElseThrow();
        MonitorState state = withEvaluation(new Evaluation(e.testedAt(), e.listening(), e.connections(),
                List.of(realOther, other), e.host(), e.unexpected()));

        Set<String> withPid = TextFormat.parseText(render(state, true, null)).get("portwatch_process_sockets").samples()
                .stream().map(s -> s.labels().get("process") + "/" + s.labels().get("pid") + "/" + s.labels().get("state")
                        + "=" + (int) s.value())
                .collect(Collectors.toSet());
        assertEquals(Set.of("other_/600/LISTEN=1", "other//ESTABLISHED=5"), withPid);
        Set<String> without = TextFormat.parseText(render(state, false, null)).get("portwatch_process_sockets")
                .samples().stream().map(s -> s.labels().get("process") + "/" + s.labels().get("state") + "=" + (int) s.value())
                .collect(Collectors.toSet());
        assertEquals(Set.of("other_/LISTEN=1", "other/ESTABLISHED=5"), without);
    }

    @Test
    void healthMetricsHaveNoNetnsLabelWhileNoRowHasANetnsColumn() {
        // the rows of States.scanned() have no netns column: the golden files hold the exact lines
        String text = render(States.scanned(), false, null);
        for (String line : text.split("\n")) {
            assertTrue(!line.contains("netns=") || line.startsWith("portwatch_unexpected_listener{"), line);
        }
        Map<String, TextFormat.Family> families = TextFormat.parseText(text);
        for (String family : List.of("portwatch_listening_port_health", "portwatch_connection_health")) {
            assertTrue(families.get(family).samples().stream().noneMatch(x -> x.labels().containsKey("netns")), family);
        }
    }

    @Test
    void aListeningRowWithANetnsColumnGivesEveryListeningSampleTheColumnAndTheOthersAnEmptyOne() {
        MonitorState state = States.evaluated(new Definitions(List.of(States.SSH, States.WEB_IN_CONTAINERS),
                List.of(States.POOL)), NamespacedSockets.snapshot());
        for (String accept : new String[] {null, OPENMETRICS}) {
            String body = render(state, false, accept);
            Map<String, TextFormat.Family> families = accept == null ? TextFormat.parseText(body)
                    : TextFormat.parseOpenMetrics(body);
            assertEquals(Map.of("ssh", "", "web", "container:*"), labelById(families, "portwatch_listening_port_health",
                    "netns"), body);
            assertTrue(families.get("portwatch_connection_health").samples().stream()
                    .noneMatch(x -> x.labels().containsKey("netns")), "no connection row has a netns column");
            assertTrue(body.contains("portwatch_listening_port_health{id=\"ssh\",local_ip=\"*\",local_port=\"22\","
                    + "netns=\"\",process=\"sshd\",protocol=\"tcp\",severity=\"critical\"} 2"), body);
        }
        // the connection lines are those of the same rows without the listening netns column
        MonitorState own = States.evaluated(new Definitions(List.of(States.SSH), List.of(States.POOL)),
                NamespacedSockets.snapshot());
        assertEquals(lines(render(own, false, null), "portwatch_connection_health"),
                lines(render(state, false, null), "portwatch_connection_health"));
    }

    @Test
    void aConnectionRowWithANetnsColumnGivesEveryConnectionSampleTheColumnAndTheOthersAnEmptyOne() {
        MonitorState state = States.evaluated(new Definitions(List.of(States.SSH),
                List.of(States.POOL, States.UPSTREAM_ANYWHERE)), NamespacedSockets.snapshot());
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(state, false, null));
        assertEquals(Map.of("pool", "", "upstream", "*"), labelById(families, "portwatch_connection_health", "netns"));
        assertEquals(0, value(families, "portwatch_connection_health", Map.of("id", "upstream")),
                "upstream: 5 ESTABLISHED by nginx in both namespaces");
        assertTrue(families.get("portwatch_listening_port_health").samples().stream()
                .noneMatch(x -> x.labels().containsKey("netns")), "no listening row has a netns column");
    }

    @Test
    void theNetnsLabelIsTheRowsColumnNotTheNamespaceItMatched() {
        // a restarted container has a new id: its row's series must stay the same
        Definitions definitions = new Definitions(List.of(States.WEB_IN_CONTAINERS), List.of());
        List<Map<String, String>> series = new java.util.ArrayList<>();
        for (String id : new String[] {"4f8e2a9c1b7d", "91c0d3e5a7b2"}) {
            NetNamespace container = new NetNamespace(4026532999L, "container:" + id, false);
            Snapshot snapshot = new SnapshotBuilder().process(11, "nginx")
                    .socket(Sockets.in(container, Sockets.listen("0.0.0.0", 80, 1, 11))).build();
            List<TextFormat.Sample> samples = TextFormat.parseText(render(States.evaluated(definitions, snapshot), false,
                    null)).get("portwatch_listening_port_health").samples();
            assertEquals(1, samples.size());
            assertEquals(0, samples.get(0).value(), "GREEN in " + container);
            series.add(samples.get(0).labels());
        }
        assertEquals("container:*", series.get(0).get("netns"));
        assertEquals(series.get(0), series.get(1));
    }

    @Test
    void netnsLabelSplitsEachProcessNamesSocketsByNamespaceUnknownAndOtherToo() {
        Set<String> series = processSeries(render(States.inNamespaces(), new ProcessLabels(false, true), null));
        assertEquals(Set.of("nginx/host/ESTABLISHED=3", "nginx/container:4f8e2a9c1b7d/ESTABLISHED=2",
                "nginx/container:4f8e2a9c1b7d/LISTEN=1", "a/host/ESTABLISHED=3", "unknown/host/TIME_WAIT=1",
                "unknown/container:4f8e2a9c1b7d/TIME_WAIT=2", "other/host/ESTABLISHED=2",
                "other/container:4f8e2a9c1b7d/ESTABLISHED=1"), series);
    }

    @Test
    void netnsAndPidLabelsGiveOneSeriesPerProcessPidAndNamespace() {
        Set<String> series = processSeries(render(States.inNamespaces(), new ProcessLabels(true, true), null));
        // pid 12 has sockets in both namespaces; unknown and other keep pid="" (one sum per namespace)
        assertEquals(Set.of("nginx/10/host/ESTABLISHED=2", "nginx/11/container:4f8e2a9c1b7d/ESTABLISHED=1",
                "nginx/11/container:4f8e2a9c1b7d/LISTEN=1", "nginx/12/host/ESTABLISHED=1",
                "nginx/12/container:4f8e2a9c1b7d/ESTABLISHED=1", "a/20/host/ESTABLISHED=3",
                "unknown//host/TIME_WAIT=1", "unknown//container:4f8e2a9c1b7d/TIME_WAIT=2",
                "other//host/ESTABLISHED=2", "other//container:4f8e2a9c1b7d/ESTABLISHED=1"), series);
    }

    @Test
    void withoutTheNetnsLabelProcessSocketsStayOnePerNameWhateverTheNamespaces() {
        MonitorState state = States.inNamespaces();
        assertEquals(Set.of("nginx/ESTABLISHED=5", "nginx/LISTEN=1", "a/ESTABLISHED=3", "unknown/TIME_WAIT=3",
                "other/ESTABLISHED=3"), processSeries(render(state, new ProcessLabels(false, false), null)));
        assertEquals(Set.of("nginx/10/ESTABLISHED=2", "nginx/11/ESTABLISHED=1", "nginx/11/LISTEN=1",
                "nginx/12/ESTABLISHED=2", "a/20/ESTABLISHED=3", "unknown//TIME_WAIT=3", "other//ESTABLISHED=3"),
                processSeries(render(state, new ProcessLabels(true, false), null)));
        assertEquals(render(state, false, null), render(state, new ProcessLabels(false, false), null));
        assertEquals(render(state, true, null), render(state, new ProcessLabels(true, false), null));
    }

    /** {@code process[/pid][/netns]/state=n} of each portwatch_process_sockets sample (all TCP here). */
    private static Set<String> processSeries(String text) {
        return TextFormat.parseText(text).get("portwatch_process_sockets").samples().stream().map(x -> {
            assertEquals("tcp", x.labels().get("protocol"));
            return x.labels().get("process") + (x.labels().containsKey("pid") ? "/" + x.labels().get("pid") : "")
                    + (x.labels().containsKey("netns") ? "/" + x.labels().get("netns") : "") + "/"
                    + x.labels().get("state") + "=" + (int) x.value();
        }).collect(Collectors.toSet());
    }

    /** Label {@code label} of each sample of {@code family}, by the sample's id. */
    private static Map<String, String> labelById(Map<String, TextFormat.Family> families, String family,
                                                 String label) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (TextFormat.Sample x : families.get(family).samples()) {
            assertTrue(x.labels().containsKey(label), () -> family + " sample without " + label + ": " + x);
            out.put(x.labels().get("id"), x.labels().get(label));
        }
        return out;
    }

    private static List<String> lines(String text, String family) {
        return java.util.Arrays.stream(text.split("\n")).filter(l -> l.startsWith(family + "{"))
                .collect(Collectors.toList());
    }

    private static Set<Map<String, String>> reasonSeries(MonitorState state) {
        return TextFormat.parseText(render(state, false, null)).get("portwatch_row_reason_info").samples().stream()
                .map(TextFormat.Sample::labels).collect(Collectors.toSet());
    }

    private static MonitorState withEvaluation(Evaluation e) {
        return States.builder().definitions(Definitions.EMPTY).scanned(States.SCANNED, e).took(Duration.ofMillis(5))
                .build();
    }

    /** The value of the one sample of {@code family} whose labels include {@code labels}. */
    static double value(Map<String, TextFormat.Family> families, String family, Map<String, String> labels) {
        TextFormat.Family f = families.get(family);
        assertTrue(f != null, () -> "no family " + family + " in " + families.keySet());
        List<TextFormat.Sample> matching = f.samples().stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .collect(Collectors.toList());
        assertEquals(1, matching.size(), () -> family + labels + " matches " + matching);
        return matching.get(0).value();
    }
}
