package io.portwatch.history;

import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.process;
import static io.portwatch.testing.SnapshotBuilder.snapshot;
import static io.portwatch.testing.Sockets.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.portwatch.testing.TestClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

class HistoryLogTest {

    private static final ProcessInfo NGINX = process(100, "nginx", "www-data", "/usr/sbin/nginx");
    private static final ProcessInfo CURL = process(200, "curl", "alice", "/usr/bin/curl");
    private static final ProcessModules MODULES = pid -> List.of("/usr/lib/libc.so.6", "/usr/lib/libssl.so.3");

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock("2026-11-22T10:00:00Z");

    private Settings settings(String... keyValues) {
        Settings s = Settings.defaults().with(SettingKey.HISTORY_DIR, dir.toString(), "test");
        for (int i = 0; i < keyValues.length; i += 2) {
            s = s.with(SettingKey.byKey(keyValues[i]).orElseThrow(), keyValues[i + 1], "test");
        }
        return s;
    }

    private List<List<String>> rows(String baseName, List<String> header) throws IOException {
        return CsvFiles.allRows(dir, baseName, header).stream().map(CSVRecord::toList).collect(Collectors.toList());
    }

    @Test
    void firstSnapshotGoesToTheSnapshotFileChangesToTheEventsFileAndTheirOwnersOnceToTheProcessFile() throws IOException {
        SocketEntry web = listen("0.0.0.0", 80, 11, 100);
        SocketEntry conn = tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, 200);
        SocketEntry conn2 = tcp("10.0.0.5", 40001, "93.184.216.34", 443, SocketState.ESTABLISHED, 22, 200);
        try (HistoryLog log = new HistoryLog(settings(), clock, MODULES)) {
            assertTrue(log.isEnabled());
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of(web), NGINX));
            log.accept(snapshot("2026-11-22T10:00:15Z", List.of(web, conn), NGINX, CURL));
            log.accept(snapshot("2026-11-22T10:00:30Z", List.of(web, conn2), NGINX, CURL));
            assertEquals(3, log.eventsWritten());
            assertEquals(0, log.writeFailures());
        }
        assertEquals(List.of(List.of("2026-11-22T10:00:00.000Z", "tcp", "0.0.0.0", "80", "0.0.0.0", "0", "LISTEN", "100",
                "nginx", "www-data", "/usr/sbin/nginx")), rows(HistoryFiles.SNAPSHOT, HistoryFiles.SNAPSHOT_COLUMNS));
        assertEquals(List.of(
                List.of("2026-11-22T10:00:15.000Z", "open", "tcp", "10.0.0.5", "40000", "93.184.216.34", "443", "ESTABLISHED",
                        "", "200", "curl", "alice", "/usr/bin/curl"),
                List.of("2026-11-22T10:00:30.000Z", "close", "tcp", "10.0.0.5", "40000", "93.184.216.34", "443", "ESTABLISHED",
                        "", "200", "curl", "alice", "/usr/bin/curl"),
                List.of("2026-11-22T10:00:30.000Z", "open", "tcp", "10.0.0.5", "40001", "93.184.216.34", "443", "ESTABLISHED",
                        "", "200", "curl", "alice", "/usr/bin/curl")), rows(HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS));
        assertEquals(List.of(List.of("2026-11-22T10:00:00.000Z", "100", "nginx", "www-data", "2026-11-20T06:01:40.000Z",
                        "/usr/sbin/nginx", "/usr/sbin/nginx --serve", "/usr/lib/libc.so.6;/usr/lib/libssl.so.3"),
                List.of("2026-11-22T10:00:15.000Z", "200", "curl", "alice", "2026-11-20T06:03:20.000Z",
                        "/usr/bin/curl", "/usr/bin/curl --serve", "/usr/lib/libc.so.6;/usr/lib/libssl.so.3")),
                rows(HistoryFiles.PROCESSES, HistoryFiles.PROCESS_COLUMNS), "owners at start, then owners in events, once each");
    }

    @Test
    void eachNewProcessFileDescribesAgainTheProcessesThatShowUpInIt() throws IOException {
        SocketEntry conn = tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, 200);
        try (HistoryLog log = new HistoryLog(settings(), clock, MODULES)) {
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of()));
            log.accept(snapshot("2026-11-22T10:00:15Z", List.of(conn), CURL));
            clock.set("2026-11-23T00:00:10Z");
            log.accept(snapshot("2026-11-23T00:00:10Z", List.of(), CURL)); // daily rotation of every file
        }
        List<Path> files = CsvFiles.files(dir, HistoryFiles.PROCESSES);
        assertEquals(2, files.size(), files.toString());
        for (Path f : files) {
            assertEquals(List.of("200"), CsvFiles.rows(f, HistoryFiles.PROCESS_COLUMNS).stream().map(r -> r.get(1))
                    .collect(Collectors.toList()), f.toString());
        }
    }

    @Test
    void eachStartSetsAsideTheFilesOfTheRunBeforeAndWritesAFreshSnapshot() throws IOException {
        for (int run = 0; run < 3; run++) {
            clock.set("2026-11-22T1" + run + ":00:00Z");
            try (HistoryLog log = new HistoryLog(settings("history.keep", "1"), clock, MODULES)) {
                log.accept(snapshot(clock.instant(), List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
            }
        }
        assertEquals(List.of("portwatch-snapshot-20261122T110000Z.csv", "portwatch-snapshot.csv"),
                CsvFiles.files(dir, HistoryFiles.SNAPSHOT).stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        assertEquals(1, CsvFiles.rows(dir.resolve("portwatch-snapshot.csv"), HistoryFiles.SNAPSHOT_COLUMNS).size());
    }

    @Test
    void withoutStartRotationARestartAppendsWithoutASecondHeader() throws IOException {
        for (int run = 0; run < 2; run++) {
            try (HistoryLog log = new HistoryLog(settings("history.rotate", "size"), clock, MODULES)) {
                log.accept(snapshot(clock.instant(), List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
            }
        }
        assertEquals(List.of(dir.resolve("portwatch-snapshot.csv")), CsvFiles.files(dir, HistoryFiles.SNAPSHOT));
        assertEquals(2, CsvFiles.rows(dir.resolve("portwatch-snapshot.csv"), HistoryFiles.SNAPSHOT_COLUMNS).size());
    }

    /** Snapshots alternating between no connection and {@code n} connections, each giving n events. */
    private static Snapshot burst(int round, int n) {
        List<SocketEntry> sockets = new ArrayList<>();
        if (round % 2 == 1) {
            for (int i = 0; i < n; i++) {
                sockets.add(tcp("10.0.0.5", 20000 + i, "10.0.0.9", 5432, SocketState.ESTABLISHED, 1000 + i, 200));
            }
        }
        return snapshot(Instant.parse("2026-11-22T10:00:00Z").plusSeconds(round), sockets, CURL);
    }

    @Test
    void aBurstOfTenThousandEventsWhileRotatingAtASmallSizeLosesAndTearsNoRow() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        try (HistoryLog log = new HistoryLog(settings("history.maxSize", "8KB", "history.keep", "100000"), clock, MODULES)) {
            log.accept(burst(0, 0));
            Thread feeder = new Thread(() -> {
                for (int round = 1; round <= 10; round++) {
                    log.accept(burst(round, 1000));
                }
                running.set(false);
            });
            Thread rotator = new Thread(() -> {
                while (running.get()) {
                    log.rotate();
                    Thread.yield();
                }
            });
            feeder.start();
            rotator.start();
            feeder.join(60_000);
            rotator.join(60_000);
            assertFalse(feeder.isAlive());
            assertEquals(10_000, log.eventsWritten());
            assertEquals(0, log.writeFailures());
        }
        List<CSVRecord> events = CsvFiles.allRows(dir, HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS);
        assertEquals(10_000, events.size());
        Set<String> seen = new HashSet<>();
        for (CSVRecord r : events) {
            assertEquals("curl", r.get(10));
            assertEquals("/usr/bin/curl", r.get(12));
            assertTrue(seen.add(r.get(0) + " " + r.get(1) + " " + r.get(4)), "duplicate " + r);
        }
        for (Path f : CsvFiles.files(dir, HistoryFiles.EVENTS)) {
            assertTrue(Files.size(f) <= 8192, f + " has " + Files.size(f) + " bytes");
        }
    }

    @Test
    void withoutHistoryDirTheLogIsOffAndWritesNothing() {
        try (HistoryLog log = new HistoryLog(Settings.defaults(), clock, MODULES)) {
            assertFalse(log.isEnabled());
            assertTrue(log.directory().isEmpty());
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
            log.rotate();
            assertEquals(0, log.eventsWritten());
            assertEquals(0, log.writeFailures());
        }
    }

    @Test
    void anUnwritableDirectoryIsCountedNeverThrown() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Settings s = Settings.defaults().with(SettingKey.HISTORY_DIR, file.resolve("history").toString(), "test");
        try (HistoryLog log = new HistoryLog(s, clock, MODULES)) {
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
            log.accept(snapshot("2026-11-22T10:00:15Z", List.of(), NGINX));
            assertEquals(0, log.eventsWritten());
            assertEquals(4, log.writeFailures(), "the snapshot row and its owner's row, the event row and its owner's row again");
        }
    }

    @Test
    void aSecondLogOnTheSameDirectoryWritesNothingAndCountsItsRowsAsFailed() throws IOException {
        try (HistoryLog first = new HistoryLog(settings(), clock, MODULES);
             HistoryLog second = new HistoryLog(settings(), clock, MODULES)) {
            first.accept(snapshot("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
            second.accept(snapshot("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
            second.accept(snapshot("2026-11-22T10:00:15Z", List.of(), NGINX));
            assertEquals(0, first.writeFailures());
            assertEquals(4, second.writeFailures(), "the snapshot row and its owner's row, the event row and its owner's row");
            assertEquals(0, second.eventsWritten());
        }
        assertEquals(1, CsvFiles.allRows(dir, HistoryFiles.SNAPSHOT, HistoryFiles.SNAPSHOT_COLUMNS).size());
        assertEquals(0, CsvFiles.allRows(dir, HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS).size());
    }

    @Test
    void aBadRotateSettingFallsBackToTheDefaultInsteadOfFailing() {
        try (HistoryLog log = new HistoryLog(settings("history.rotate", "weekly"), clock, MODULES)) {
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of()));
            assertEquals(0, log.writeFailures());
        }
    }
}
