package io.portwatch.history;

import static io.portwatch.testing.SnapshotBuilder.snapshot;
import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.support.FileTrust;
import io.portwatch.testing.Fifos;
import io.portwatch.testing.LogCapture;
import io.portwatch.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Rule 3 of docs/design.md §5 for the history: it writes only in a {@code history.dir} only trusted users can
 * write in, never through a link, never to a file with another name, and creates its files 0600. Real files,
 * real links; the tests run as root (chown and chmod of the fixtures).
 */
class HistoryFileTrustTest {

    private static final String VICTIM_TEXT = "root:x:0:0:root:/root:/bin/bash\n";
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private static final ProcessInfo CURL = new ProcessInfo(200, "curl", "curl", "alice", "/usr/bin/curl",
            "/usr/bin/curl https://example.com", Instant.parse("2026-11-20T06:00:00Z"));

    @TempDir
    Path temp;

    private final LogCapture logged = new LogCapture();

    @AfterEach
    void stopCapture() {
        logged.close();
    }

    private Path history() throws IOException {
        return Files.createDirectories(temp.resolve("history"));
    }

    private Path victim() throws IOException {
        return Files.writeString(temp.resolve("victim"), VICTIM_TEXT);
    }

    private static Settings settings(Path dir) {
        return Settings.defaults().with(SettingKey.HISTORY_DIR, dir.toString(), "test");
    }

    /** A first snapshot with a listener, then one with a new connection: a row in each of the three files. */
    private static HistoryLog run(Settings settings, Snapshots snapshots) {
        HistoryLog log = new HistoryLog(settings, FIXED, pid -> List.of("/usr/lib/libc.so.6"));
        snapshots.feed(log);
        log.close();
        return log;
    }

    @FunctionalInterface
    private interface Snapshots {
        void feed(HistoryLog log);
    }

    /** Two snapshots: a listener, then a connection of {@code owner} too. */
    private static void twoScans(HistoryLog log, ProcessInfo owner) {
        SocketEntry web = listen("0.0.0.0", 80, 11, 100);
        SocketEntry conn = tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, owner.pid());
        log.accept(snapshot("2026-11-22T10:00:00Z", List.of(web)));
        log.accept(snapshot("2026-11-22T10:00:15Z", List.of(web, conn), owner));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    // --- links at file names ---

    @Test
    void aSymlinkAtTheEventsFileNameIsRefusedTheVictimIsUntouchedAndTheLogSaysWhy() throws IOException {
        Path dir = history();
        Path victim = victim();
        Path events = Files.createSymbolicLink(dir.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION), victim);
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertEquals(VICTIM_TEXT, Files.readString(victim));
        assertTrue(Files.isSymbolicLink(events), "the link is left as it is");
        assertEquals(0, log.eventsWritten());
        assertEquals(1, log.writeFailures(), "the event row");
        assertEquals(1, CsvFiles.rows(dir.resolve(HistoryFiles.SNAPSHOT + HistoryFiles.EXTENSION),
                HistoryFiles.SNAPSHOT_COLUMNS).size(), "the other files are written");
        List<String> warnings = logged.messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(events + ": is a symbolic link to " + victim + ": refused, never followed"),
                warnings.get(0));
    }

    @Test
    void aDanglingSymlinkAtAFileNameCreatesNothingWhereItPoints() throws IOException {
        Path dir = history();
        Path target = temp.resolve("elsewhere").resolve("cron.d-file");
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(dir.resolve(HistoryFiles.PROCESSES + HistoryFiles.EXTENSION), target);
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing created through the link");
        assertEquals(1, log.eventsWritten(), "the events file is written");
        assertTrue(log.writeFailures() > 0);
    }

    @Test
    void aDanglingSymlinkAtTheLockNameCreatesNothingAndNoHistoryIsWritten() throws IOException {
        Path dir = history();
        Path target = temp.resolve("planted-lock");
        Files.createSymbolicLink(dir.resolve(HistoryLog.LOCK_FILE), target);
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(HistoryLog.LOCK_FILE), names(dir), "without the lock no file is written");
        assertEquals(3, log.writeFailures(), "the snapshot row, the event row and its owner's row");
        List<String> warnings = logged.messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("portwatch: cannot lock " + dir.resolve(HistoryLog.LOCK_FILE)), warnings.get(0));
        assertTrue(warnings.get(0).contains("is a symbolic link"), warnings.get(0));
    }

    @Test
    void aSymlinkAtARotatedNameIsNeitherReplacedNorFollowedNorPruned() throws IOException {
        Path dir = history();
        Path victim = victim();
        Path planted = Files.createSymbolicLink(dir.resolve("log-20261122T100000Z.csv"), victim);
        TestClock clock = new TestClock("2026-11-22T10:00:00Z");
        RotatingCsvFileTest.Recorder problems = new RotatingCsvFileTest.Recorder();
        try (RotatingCsvFile log = new RotatingCsvFile(new OwnedFiles(dir, FileTrust.strict()), "log",
                List.of("time", "n"), new RotationPolicy(0, false, 1), clock, problems)) {
            log.start(false);
            for (int i = 0; i < 3; i++) {
                assertEquals(1, log.append(List.of(Csv.line(HistoryFiles.formatTime(clock.instant()), i))));
                log.rotateNow(); // each file's first row is of 10:00:00: the same stamp
            }
            assertEquals(List.of(dir.resolve("log-20261122T100000Z-3.csv")), log.rotated(), "keep 1; the link is no rotated file");
        }
        assertEquals(VICTIM_TEXT, Files.readString(victim));
        assertEquals(victim, Files.readSymbolicLink(planted));
        assertEquals(0, problems.failed.get(), problems.notes.toString());
    }

    @Test
    void aRenameNeverReplacesAName() throws IOException {
        Path dir = history();
        Path victim = victim();
        Path from = Files.writeString(dir.resolve("log.csv"), "time,n\n");
        Path to = Files.createSymbolicLink(dir.resolve("log-20261122T100000Z.csv"), victim);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> OwnedFiles.moveAside(from, to));
        assertEquals(to + ": is taken: not replaced", e.getMessage());
        assertTrue(Files.exists(from));
        assertEquals(victim, Files.readSymbolicLink(to));
        assertEquals(VICTIM_TEXT, Files.readString(victim));
    }

    @Test
    void aHardLinkAtAFileNameIsRefusedAndTheOtherNameIsUntouched() throws IOException {
        Path dir = history();
        Path crontab = Files.writeString(temp.resolve("crontab"), "* * * * * root true\n");
        Path events = Files.createLink(dir.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION), crontab);
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> new OwnedFiles(dir, FileTrust.strict()).open(events).close());
        assertEquals(events + ": has 2 names (a hard link to another file): refused, never written; remove it", e.getMessage());
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertEquals(0, log.eventsWritten());
        assertEquals("* * * * * root true\n", Files.readString(crontab));
        assertEquals(2, (Integer) Files.getAttribute(crontab, "unix:nlink"), "not renamed aside either");
    }

    // --- the directory ---

    @Test
    void aWorldWritableHistoryDirTurnsTheHistoryOffWithOneWarningUntilItIsFixed() throws IOException {
        Path dir = history();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        SocketEntry web = listen("0.0.0.0", 80, 11, 100);
        try (HistoryLog log = new HistoryLog(settings(dir), FIXED, pid -> List.of())) {
            for (int i = 0; i < 3; i++) {
                log.accept(snapshot(Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i), List.of(web)));
            }
            assertEquals(List.of(), names(dir), "nothing is written, not even the lock");
            assertEquals(1, log.writeFailures(), "the snapshot row");
            assertEquals(List.of("portwatch: history.dir " + dir + " is writable by every user: chmod o-w " + dir
                    + " (or set files.strictModes=false, unsafe); no history is written until it is fixed"),
                    logged.messages(Level.WARNING));

            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            log.accept(snapshot("2026-11-22T10:00:05Z", List.of(web)));
        }
        assertEquals(1, CsvFiles.rows(dir.resolve(HistoryFiles.SNAPSHOT + HistoryFiles.EXTENSION),
                HistoryFiles.SNAPSHOT_COLUMNS).size(), "the first snapshot once the folder is fixed");
    }

    @Test
    @Tag("root")
    void aHistoryDirWritableByAGroupWithOtherMembersIsRefused() throws IOException {
        Path dir = history();
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("daemon"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertEquals(List.of(), names(dir));
        assertEquals(3, log.writeFailures(), "the snapshot row, the event row and its owner's row");
        assertTrue(logged.messages(Level.WARNING).get(0).contains("is writable by group daemon"), logged.messages(Level.WARNING).toString());
    }

    @Test
    @Tag("root")
    void aHistoryDirOwnedByAnotherUserIsRefusedUnlessStrictModesIsOff() throws IOException {
        Path dir = history();
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName("nobody"));
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertEquals(List.of(), names(dir));
        assertTrue(logged.messages(Level.WARNING).get(0).contains("is owned by nobody"), logged.messages(Level.WARNING).toString());

        HistoryLog unsafe = run(settings(dir).with(SettingKey.FILES_STRICT_MODES, "false", "test"), l -> twoScans(l, CURL));
        assertEquals(1, unsafe.eventsWritten());
    }

    @Test
    void aChmodAfterTheStartIsSeenAtTheNextRotation() throws IOException {
        Path dir = history();
        SocketEntry web = listen("0.0.0.0", 80, 11, 100);
        SocketEntry conn = tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, 200);
        try (HistoryLog log = new HistoryLog(settings(dir), FIXED, pid -> List.of())) {
            log.accept(snapshot("2026-11-22T10:00:00Z", List.of(web)));
            log.accept(snapshot("2026-11-22T10:00:05Z", List.of(web, conn), CURL));
            assertEquals(1, log.eventsWritten());
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            log.rotate();
            log.accept(snapshot("2026-11-22T10:00:10Z", List.of(web)));
            assertEquals(1, log.eventsWritten(), "the close event is not written");
        }
        List<String> warnings = logged.messages(Level.WARNING);
        assertEquals(1, warnings.size(), "one line for the three files: " + warnings);
        assertTrue(warnings.get(0).contains("history.dir " + dir + " is writable by every user"), warnings.get(0));
    }

    // --- what is created ---

    @Test
    void everyFileCreatedHasMode0600AndAMissingHistoryDir0700() throws IOException {
        Path dir = temp.resolve("new").resolve("history");
        HistoryLog log = run(settings(dir), l -> {
            twoScans(l, CURL);
            l.rotate();
            l.accept(snapshot("2026-11-22T10:00:30Z", List.of()));
        });
        assertTrue(log.eventsWritten() >= 2);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        List<String> names = names(dir);
        assertTrue(names.size() >= 7, "three files, three rotated, the lock: " + names);
        for (String name : names) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))), name);
        }
    }

    @Test
    void anExistingFileWithAWiderModeIsTightenedAndAppendedTo() throws IOException {
        Path dir = history();
        Path events = Files.writeString(dir.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION),
                String.join(",", HistoryFiles.EVENT_COLUMNS) + "\n");
        Files.setPosixFilePermissions(events, PosixFilePermissions.fromString("rw-r--r--"));
        HistoryLog log = run(settings(dir).with(SettingKey.HISTORY_ROTATE, "size", "test"), l -> twoScans(l, CURL));
        assertEquals(1, log.eventsWritten());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(events)));
        assertEquals(1, CsvFiles.rows(events, HistoryFiles.EVENT_COLUMNS).size());
    }

    @Test
    @Tag("root")
    void anExistingFileOwnedByAnotherUserIsRefusedAndUntouched() throws IOException {
        Path dir = history();
        Path events = Files.writeString(dir.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION), VICTIM_TEXT);
        Files.setOwner(events, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertEquals(0, log.eventsWritten());
        assertEquals(VICTIM_TEXT, Files.readString(events), "neither appended to nor set aside");
        assertEquals(1, names(dir).stream().filter(n -> n.startsWith(HistoryFiles.EVENTS)).count());
    }

    // --- rule 4 in the files ---

    @Test
    void aCommandLineWithALineBreakOrEscapeIsWrittenAsOneCsvLine() throws IOException {
        Path dir = history();
        ProcessInfo hostile = new ProcessInfo(300, "evil\u001b[2J", "evil", "mallory\n", "/tmp/evil\r",
                "sh -c x\n* * * * * root /tmp/evil\n", Instant.parse("2026-11-20T06:00:00Z"));
        run(settings(dir), l -> twoScans(l, hostile));
        Path processes = dir.resolve(HistoryFiles.PROCESSES + HistoryFiles.EXTENSION);
        List<String> lines = Files.readAllLines(processes, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), "the header and one row: " + lines);
        assertEquals("2026-11-22T10:00:15.000Z,300,evil\\x1b[2J,mallory\\x0a,2026-11-20T06:00:00.000Z"
                + ",/tmp/evil\\x0d,sh -c x\\x0a* * * * * root /tmp/evil\\x0a,/usr/lib/libc.so.6",
                lines.get(1));
        List<String> events = Files.readAllLines(dir.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION));
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.get(1).endsWith(",300,evil\\x1b[2J,mallory\\x0a,/tmp/evil\\x0d"), events.get(1));
    }

    // --- cases nobody listed ---

    @Test
    void aFifoAtTheEventsFileNameIsRefusedBeforeItIsOpened() throws Exception {
        Path dir = history();
        Path fifo = Fifos.make(dir.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION));
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> new OwnedFiles(dir, FileTrust.strict()).open(fifo).close());
        assertEquals(fifo + ": is not a regular file (a FIFO, socket or device): refused, never opened; remove it",
                e.getMessage());
        HistoryLog log = run(settings(dir), l -> twoScans(l, CURL));
        assertEquals(0, log.eventsWritten());
        assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(), "left as it is");
    }

    @Test
    void aHistoryDirThatIsASymlinkIsFollowedAndItsTargetIsJudged() throws IOException {
        Path real = history();
        Path link = Files.createSymbolicLink(temp.resolve("history-link"), real);
        HistoryLog log = run(settings(link), l -> twoScans(l, CURL));
        assertEquals(1, log.eventsWritten());
        assertTrue(Files.isRegularFile(real.resolve(HistoryFiles.EVENTS + HistoryFiles.EXTENSION), LinkOption.NOFOLLOW_LINKS));

        Path open = Files.createDirectories(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path linkToOpen = Files.createSymbolicLink(temp.resolve("open-link"), open);
        HistoryLog refused = run(settings(linkToOpen), l -> twoScans(l, CURL));
        assertEquals(0, refused.eventsWritten());
        assertEquals(List.of(), names(open));
    }

    @Test
    void aDanglingSymlinkAsHistoryDirCreatesNoFolderWhereItPoints() throws IOException {
        Path target = temp.resolve("nowhere");
        Path link = Files.createSymbolicLink(temp.resolve("history-link"), target);
        HistoryLog log = run(settings(link), l -> twoScans(l, CURL));
        assertEquals(0, log.eventsWritten());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }
}
