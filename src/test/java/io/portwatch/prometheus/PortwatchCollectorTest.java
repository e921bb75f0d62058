package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.OPENMETRICS;
import static io.portwatch.prometheus.Exposition.golden;
import static io.portwatch.prometheus.Exposition.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.MonitorState;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.UnexpectedListener;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
    void beforeTheFirstScanOnlyAgentMetricsAreServed() {
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(States.initial(), false, null));
        assertEquals(Set.of("portwatch_scan_interval_seconds", "portwatch_scans_total", "portwatch_scan_failures_total",
                "portwatch_scan_overruns_total", "portwatch_history_events_total",
                "portwatch_history_write_failures_total", "portwatch_results_stale", "portwatch_definitions",
                "portwatch_config_errors", "portwatch_config_reloads_total", "portwatch_build_info"), families.keySet());
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
        ConnectionRow anything = new ConnectionRow("anything", Optional.empty(), "", PortRange.ANY,
                PortRange.parse("8000-8010"), NamePattern.ANY, "", NamePattern.ANY, 0, OptionalInt.empty(),
                Severity.CRITICAL, new Source("monitoredTcpConnects.csv", 9));
        ConnectionResult r = new ConnectionResult(anything, Health.GREEN, "ok", States.SCANNED, List.of(), Map.of(), "k");
        MonitorState state = withEvaluation(new Evaluation(States.SCANNED, List.of(), List.of(r), List.of(),
                States.counts(), List.of()));
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
                States.counts(Protocol.TCP, SocketState.TIME_WAIT, 3), Map.of());
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
                States.counts(), two));
        Map<String, TextFormat.Family> families = TextFormat.parseText(render(state, false, null));
        List<TextFormat.Sample> samples = families.get("portwatch_unexpected_listener").samples();
        assertEquals(1, samples.size());
        assertEquals(Map.of("protocol", "tcp", "local_ip", "0.0.0.0", "local_port", "80", "process", "nginx"),
                samples.get(0).labels());
        assertEquals(1, samples.get(0).value());
        assertEquals(2, value(families, "portwatch_unexpected_listeners", Map.of()));
    }

    @Test
    void reasonsWithQuotesBackslashesAndNewlinesSurviveEscaping() {
        String reason = "owned by \"C:\\Program Files\\x.exe\"\nsecond line";
        Evaluation e = States.scanned().evaluation().orElseThrow();
        ConnectionResult pool = e.connections().get(0);
        ConnectionResult odd = new ConnectionResult(pool.row(), pool.health(), reason, pool.testedAt(), pool.matched(),
                pool.byState(), pool.netstatWatcherKey());
        MonitorState state = withEvaluation(new Evaluation(e.testedAt(), e.listening(), List.of(odd), e.processes(),
                e.host(), e.unexpected()));
        for (String accept : new String[] {null, OPENMETRICS}) {
            String body = render(state, false, accept);
            Map<String, TextFormat.Family> families = accept == null ? TextFormat.parseText(body)
                    : TextFormat.parseOpenMetrics(body);
            String family = accept == null ? "portwatch_row_reason_info" : "portwatch_row_reason";
            assertTrue(families.get(family).samples().stream().anyMatch(s -> reason.equals(s.labels().get("reason"))),
                    body);
        }
    }

    private static MonitorState withEvaluation(Evaluation e) {
        return States.initial().withDefinitions(Definitions.EMPTY, false)
                .withScan(States.SCANNED, Duration.ofMillis(5), false, e);
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
