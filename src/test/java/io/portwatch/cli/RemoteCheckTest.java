package io.portwatch.cli;

import io.portwatch.health.Health;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a Jolokia answer to a read of {@code portwatch:*} becomes a check report: rows in the definitions' order,
 * owners named from the Process MBeans, and the cases that are UNKNOWN rather than a health.
 */
class RemoteCheckTest {

    private static final URI URL = URI.create("http://127.0.0.1:8778/jolokia/");
    private static final Instant SCANNED = Instant.parse("2026-01-01T00:00:00Z");

    private static Map<String, Object> agent(String lastScan, long interval) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("LastScanTime", lastScan);
        a.put("IntervalSeconds", interval);
        a.put("LastScanDurationMillis", 12L);
        a.put("Sockets", 40L);
        a.put("Stale", false);
        a.put("LastScanError", "");
        a.put("ConfigErrors", List.of());
        return a;
    }

    private static Map<String, Object> row(String id, String health, String source, String... sockets) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Id", id);
        r.put("HealthName", health);
        r.put("Source", source);
        r.put("Reason", "why " + id);
        r.put("Severity", "critical");
        r.put("Comment", "");
        r.put("TestedAt", "2026-01-01T00:00:00.000Z");
        r.put("NetstatWatcherKey", "key");
        r.put("MatchedSockets", List.of(sockets));
        r.put("MatchedNetns", List.of(sockets).stream().map(s -> "host").toList());
        return r;
    }

    private static Map<String, Object> answer(Map<String, Object> agent, Map<String, Object> more) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("portwatch:type=Agent", agent);
        value.putAll(more);
        return Map.of("status", 200L, "value", value);
    }

    @Test
    void rowsComeInTheDefinitionsOrderListeningFirstWithTheirOwners() throws Exception {
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("portwatch:name=b,type=ListeningPort", row("b", "RED", "monitoredListeningPorts.csv:10"));
        more.put("portwatch:name=a,type=ListeningPort", row("a", "GREEN", "monitoredListeningPorts.csv:9",
                "tcp 0.0.0.0:22 -> 0.0.0.0:0 LISTEN pid 812"));
        more.put("portwatch:name=c,type=TcpConnection", row("c", "YELLOW", "monitoredTcpConnects.csv:2",
                "tcp 10.0.0.1:5000 -> 10.0.0.2:5432 ESTABLISHED pid 900"));
        more.put("portwatch:name=sshd,type=Process", Map.of("Name", "sshd", "Pids", List.of(812L)));
        more.put("portwatch:name=other_,type=Process", Map.of("Name", "other_", "Pids", List.of(900L)));
        more.put("portwatch:name=other,type=Process", Map.of("Name", "other", "Pids", List.of(7L)));

        CheckReport report = RemoteCheck.report(URL, answer(agent("2026-01-01T00:00:00.000Z", 15), more),
                SCANNED.plusSeconds(45));

        assertEquals(List.of("a", "b", "c"), report.rows().stream().map(CheckReport.Row::id).toList());
        assertEquals(List.of("listening", "listening", "connection"),
                report.rows().stream().map(CheckReport.Row::kind).toList());
        assertEquals("sshd/812", report.rows().get(0).owner());
        assertEquals("other/900", report.rows().get(2).owner(), "a process really named other is published other_");
        assertEquals("-", report.rows().get(1).owner());
        assertEquals(Health.RED, report.worst());
        assertEquals(40, report.sockets());
        assertEquals(0.012, report.scanSeconds());
        assertEquals("PORTWATCH CRITICAL - 1 RED, 1 YELLOW, 1 GREEN: b: why b | green=1 yellow=1 red=1 sockets=40"
                + " scan_time=0.012s", CheckOutput.statusLine(report));
    }

    @Test
    void resultsMoreThanThreeIntervalsOldAreUnknownNotTheirHealth() throws Exception {
        Map<String, Object> agent = agent("2026-01-01T00:00:00.000Z", 15);
        agent.put("Stale", true);
        agent.put("LastScanError", "IOException: cannot read socket table /proc/net/tcp");
        Map<String, Object> answer = answer(agent, Map.of());

        CheckReport atThree = RemoteCheck.report(URL, answer, SCANNED.plusSeconds(45));
        assertEquals(List.of("the last scan failed, the rows are those of 2026-01-01T00:00:00.000Z: IOException: cannot"
                + " read socket table /proc/net/tcp"), atThree.warnings());

        RemoteCheck.Failure beyond = assertThrows(RemoteCheck.Failure.class,
                () -> RemoteCheck.report(URL, answer, SCANNED.plusSeconds(46)));
        assertEquals(URL + ": the last scan is 46 s old (2026-01-01T00:00:00.000Z), older than 3 intervals of 15 s;"
                + " last scan error: IOException: cannot read socket table /proc/net/tcp", beyond.getMessage());
    }

    @Test
    void aDaemonThatHasNotScannedOrIsNotPortwatchIsUnknown() {
        RemoteCheck.Failure notYet = assertThrows(RemoteCheck.Failure.class,
                () -> RemoteCheck.report(URL, answer(agent("", 15), Map.of()), SCANNED));
        assertEquals(URL + ": portwatch has not scanned yet", notYet.getMessage());

        RemoteCheck.Failure noAgent = assertThrows(RemoteCheck.Failure.class,
                () -> RemoteCheck.report(URL, Map.of("status", 200L, "value", Map.of()), SCANNED));
        assertTrue(noAgent.getMessage().contains("has no portwatch:type=Agent"), noAgent.getMessage());
    }

    @Test
    void definitionsNotInForceAreWarnings() throws Exception {
        Map<String, Object> agent = agent("2026-01-01T00:00:00.000Z", 15);
        agent.put("ConfigErrors", List.of("monitoredListeningPorts.csv:3: bad port"));
        CheckReport report = RemoteCheck.report(URL, answer(agent, Map.of()), SCANNED);
        assertEquals(List.of("not in force: monitoredListeningPorts.csv:3: bad port"), report.warnings());
    }

    @Test
    void onlyHttpUrlsWithoutCredentialsAreTaken() {
        assertThrows(RemoteCheck.Failure.class, () -> RemoteCheck.url("file:///etc/passwd"));
        assertThrows(RemoteCheck.Failure.class, () -> RemoteCheck.url("http://ops:s3cret@127.0.0.1:8778/jolokia/"));
        assertThrows(RemoteCheck.Failure.class, () -> RemoteCheck.url("not a url"));
    }
}
