package io.portwatch.report;

import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.process;
import static io.portwatch.testing.SnapshotBuilder.snapshot;
import static io.portwatch.testing.Sockets.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.SettingKey;
import io.portwatch.history.ConnectionsLog;
import io.portwatch.history.HistoryFiles;
import io.portwatch.history.HistoryLog;
import io.portwatch.config.Settings;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.portwatch.testing.TestClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

class ReportBuilderTest {

    @TempDir
    Path dir;

    @Test
    void everyFileKindIsRecognisedByItsHeader() {
        assertEquals(Optional.of(InputKind.EVENTS), InputKind.of(HistoryFiles.EVENT_COLUMNS));
        assertEquals(Optional.of(InputKind.SNAPSHOT), InputKind.of(HistoryFiles.SNAPSHOT_COLUMNS));
        assertEquals(Optional.of(InputKind.PROCESSES), InputKind.of(HistoryFiles.PROCESS_COLUMNS));
        assertEquals(Optional.of(InputKind.CONNECTIONS_LOG), InputKind.of(ConnectionsLog.COLUMNS));
        assertEquals(Optional.of(InputKind.CONNECTIONS_LOG), InputKind.of(List.of("timestamp", "PROTOCOL",
                "LocalAddress", "LocalPort", "RemoteAddress", "RemotePort", "State", "ProcessName", "PID")));
        assertEquals(Optional.empty(), InputKind.of(List.of("a", "b")));
    }

    @Test
    void whatTheActivityLogWritesIsWhatTheReportCounts() throws IOException {
        ProcessInfo nginx = process(100, "nginx", "www-data", "/usr/sbin/nginx");
        ProcessInfo curl = process(200, "curl", "alice", "/usr/bin/curl");
        Settings settings = Settings.defaults().with(SettingKey.HISTORY_DIR, dir.toString(), "test");
        try (HistoryLog log = new HistoryLog(settings, new TestClock("2026-11-22T10:00:00Z"),
                pid -> List.of("/usr/lib/libpcap.so.1"))) {
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), nginx));
            log.accept(snapshot("2026-11-22T11:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100),
                    tcp("10.0.0.5", 40000, "10.1.1.1", 443, SocketState.ESTABLISHED, 21, 200)), nginx, curl));
            log.accept(snapshot("2026-11-22T12:00:00Z", List.of(), nginx, curl));
        }
        ReportBuilder builder = new ReportBuilder(Criteria.builder().add("module", "libpcap*").build(), 10);
        builder.readAll(List.of(dir.resolve("portwatch-events.csv"), dir.resolve("portwatch-snapshot.csv"),
                dir.resolve("portwatch-processes.csv")), Progress.NONE);
        Report r = builder.build(0, null);
        assertEquals(Map.of("open", 1L, "close", 1L, "unlisten", 1L, "initial", 1L, "process", 2L), r.rowsByKind());
        assertEquals(2, r.connections(), "the initial listener and the open connection");
        assertEquals(List.of(new Report.PortCount("tcp", 80, 1, false), new Report.PortCount("tcp", 40000, 1, false)),
                r.localPorts());
        assertEquals(List.of(new Report.Count("10.1.1.1", "", 1, false)), r.remotes());
        assertEquals(1, r.byHour().get(10));
        assertEquals(1, r.byHour().get(11));
        assertEquals(2, r.flaggedTotal(), "both processes loaded libpcap");
        assertEquals("2026-11-22T10:00:00.000Z", r.firstTime());
        assertEquals("2026-11-22T12:00:00.000Z", r.lastTime());
        assertEquals(List.of("portwatch-processes.csv", "portwatch-events.csv", "portwatch-snapshot.csv"),
                r.files().stream().map(f -> Path.of(f).getFileName().toString()).collect(java.util.stream.Collectors.toList()),
                "process files first");
    }

    @Test
    void aModuleFlagFollowsThePidOnlyWhileItIsThatProcess() throws IOException {
        Path processes = Files.writeString(dir.resolve("p.csv"), "time,pid,process,user,startTime,exePath,commandLine,modules\n"
                + "2026-11-22T10:00:00.000Z,42,capture,root,,/usr/bin/capture,,/usr/lib/libpcap.so.1;/usr/lib/libc.so.6\n"
                + "2026-11-22T12:00:00.000Z,42,web,www,,/usr/bin/web,,/usr/lib/libc.so.6\n");
        Path events = Files.writeString(dir.resolve("e.csv"), String.join(",", HistoryFiles.EVENT_COLUMNS) + "\n"
                + "2026-11-22T09:00:00.000Z,open,tcp,10.0.0.5,1,10.0.0.9,2,ESTABLISHED,,42,older,root,/x\n"
                + "2026-11-22T10:00:00.000Z,open,tcp,10.0.0.5,3,10.0.0.9,4,ESTABLISHED,,42,capture,root,/usr/bin/capture\n"
                + "2026-11-22T11:59:59.999Z,open,tcp,10.0.0.5,5,10.0.0.9,6,ESTABLISHED,,42,capture,root,/usr/bin/capture\n"
                + "2026-11-22T12:00:00.000Z,open,tcp,10.0.0.5,7,10.0.0.9,8,ESTABLISHED,,42,web,www,/usr/bin/web\n");
        ReportBuilder builder = new ReportBuilder(Criteria.builder().add("module", "libpcap.so*").build(), 10);
        builder.readAll(List.of(events, processes), Progress.NONE);
        Report r = builder.build(0, null);
        assertEquals(List.of("e.csv:3", "e.csv:4"), r.flagged().stream().map(Report.Flagged::source)
                .collect(java.util.stream.Collectors.toList()));
        assertEquals(List.of("module /usr/lib/libpcap.so.1"), r.flagged().get(0).reasons());
    }

    @Test
    void timesInAnyIsoFormAreNormalisedAndOthersAreLeftOutAndSaidSo() throws IOException {
        assertEquals("2026-11-22T10:15:30.123Z", HistoryReader.normalizeTime("2026-11-22T10:15:30.123Z"));
        assertEquals("2026-11-22T10:15:30.000Z", HistoryReader.normalizeTime("2026-11-22T10:15:30Z"));
        assertEquals("2026-11-22T09:15:30.500Z", HistoryReader.normalizeTime("2026-11-22T10:15:30.5+01:00"));
        assertEquals("", HistoryReader.normalizeTime("1/2/2024 10:00:00 AM"));
        Path log = Files.writeString(dir.resolve("ps.csv"), String.join(",", ConnectionsLog.COLUMNS) + "\n"
                + "1/2/2024 10:00:00 AM,TCP,0.0.0.0,80,0.0.0.0,0,LISTENING,System,4\n");
        ReportBuilder builder = new ReportBuilder(Criteria.NONE, 10);
        builder.readAll(List.of(log), Progress.NONE);
        Report r = builder.build(0, null);
        assertEquals(1, r.connections());
        assertEquals(0, r.byHour().stream().mapToLong(Long::longValue).sum());
        assertEquals(List.of("1 rows have a time that is not ISO-8601; they are left out of the hours and the time range"),
                r.notes());
    }

    @Test
    void topCounterIsExactUpToItsCapacityAndAfterwardsKeepsHeavyKeysWithABoundedError() {
        TopCounter exact = new TopCounter(3);
        for (String k : List.of("a", "b", "a", "c", "a", "b")) {
            exact.add(k);
        }
        assertFalse(exact.approximate());
        assertEquals(List.of(Map.entry("a", 3L), Map.entry("b", 2L), Map.entry("c", 1L)), exact.top(0));

        TopCounter bounded = new TopCounter(10);
        for (int i = 0; i < 100_000; i++) {
            bounded.add("heavy");
            if (i % 2 == 0) {
                bounded.add("second");
            }
            bounded.add("noise" + i); // 100 000 keys seen once
        }
        assertTrue(bounded.approximate());
        assertTrue(bounded.size() <= 20, "bounded: " + bounded.size());
        List<Map.Entry<String, Long>> top = bounded.top(2);
        assertEquals("heavy", top.get(0).getKey());
        assertEquals("second", top.get(1).getKey());
        assertTrue(top.get(0).getValue() <= 100_000 && top.get(0).getValue() + bounded.maxError() >= 100_000,
                top + " error " + bounded.maxError());
        assertTrue(top.get(1).getValue() <= 50_000 && top.get(1).getValue() + bounded.maxError() >= 50_000);
    }

    @Test
    void criteriaMatchAddressBlocksPathGlobsAndExpectedPaths() {
        Criteria c = Criteria.builder().add("remote", "10.0.0.0/8, 2001:db8::/32").add("expect-path", "java=/usr/lib/jvm/*")
                .add("expect-path", "java=/opt/jdk*/bin/java").add("port", "6000-6010").build();
        ReportRowBuilder r = new ReportRowBuilder();
        r.remoteAddress = "10.200.1.1";
        r.remotePort = 443;
        assertEquals(List.of(new Criteria.Hit("remote 10.0.0.0/8", "remote 10.0.0.0/8")), c.check(r.build(), null));
        r.remoteAddress = "2001:db8:1::5";
        assertEquals(List.of(new Criteria.Hit("remote 2001:db8::/32", "remote 2001:db8::/32")), c.check(r.build(), null));
        r.remoteAddress = "11.0.0.1";
        r.localPort = 6005;
        r.process = "java";
        r.exePath = "/opt/jdk-17/bin/java";
        assertEquals(List.of(new Criteria.Hit("port 6000-6010", "port 6000-6010")), c.check(r.build(), null));
        r.exePath = "/home/eve/java";
        assertEquals(List.of(new Criteria.Hit("port 6000-6010", "port 6000-6010"),
                new Criteria.Hit("java outside /usr/lib/jvm/* or /opt/jdk*/bin/java",
                        "java runs from /home/eve/java, expected /usr/lib/jvm/* or /opt/jdk*/bin/java")), c.check(r.build(), null));
        assertTrue(new PathGlob("libpcap.so*").matches("/usr/lib/x86_64-linux-gnu/libpcap.so.1.10.3"));
        assertFalse(new PathGlob("/usr/lib/libpcap*").matches("/usr/lib64/libpcap.so"));
        assertTrue(Cidr.parse("192.0.2.7").contains(Cidr.bytes("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7").contains(Cidr.bytes("192.0.2.8")));
        assertTrue(Cidr.parse("192.0.2.0/25").contains(Cidr.bytes("192.0.2.127")));
        assertFalse(Cidr.parse("192.0.2.0/25").contains(Cidr.bytes("192.0.2.128")));
        assertEquals(null, Cidr.bytes("999.1.1.1"));
    }
}
