package io.portwatch.agent;

import io.portwatch.testing.Fifos;
import io.portwatch.config.DefinitionsFile;
import io.portwatch.config.DefinitionsFileResult;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Health;
import io.portwatch.state.MonitorState;
import io.portwatch.health.RowResult;
import io.portwatch.scan.NameCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.portwatch.testing.FakeSource;
import io.portwatch.testing.LogCapture;
import io.portwatch.testing.Poll;
import io.portwatch.testing.TestClock;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the monitor keeps the definitions, file by file: a reload never silently drops rows, a file is
 * read only once settled, hostile files are config errors, and no read blocks the scan loop. Real
 * files in a temporary directory, a clock the test moves, {@link Monitor#cycle()} driven by hand.
 */
class MonitorDefinitionsTest {

    private static final String L = DefinitionsLoader.LISTENING_FILE;
    private static final String C = DefinitionsLoader.CONNECTIONS_FILE;
    private static final String L_HEADER = "id,ipProtocol,localIP,localPort,procName,comment\n";
    private static final String C_HEADER = "id,remoteIP,remoteName,remotePort,procName,comment\n";
    private static final Duration DEADLINE = Duration.ofMillis(500);
    /**
     * Not a time window: a cycle still running after this long is blocked (in open(2) of a FIFO, or waiting on a read
     * it should have left behind), not slow.
     */
    private static final long BLOCKED_FOR_EVER_SECONDS = 60;

    @TempDir
    Path root;
    private Path defs;
    private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final NameCache names = new NameCache(NameCache.SYSTEM, Duration.ofHours(1));
    private final FakeSource source = new FakeSource();
    private final AtomicInteger listeningReads = new AtomicInteger();
    /** When set, listening reads open this FIFO directly, as if the file had been swapped for it between type check and open. */
    private volatile Path openFifo;
    private LogCapture log;
    private Monitor monitor;

    @BeforeEach
    void setUp() throws IOException {
        defs = Files.createDirectory(root.resolve("defs"));
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        if (monitor != null) {
            monitor.close();
        }
        names.close();
        log.close();
    }

    // ---- a reload never silently drops rows ------------------------------------------------------------

    @Test
    void deletedFileKeepsItsRowsInForceAndTheirAlertsFiring() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        m.cycle();

        Files.delete(defs.resolve(L));
        settle();
        m.cycle();

        MonitorState s = m.state();
        assertEquals(List.of(L + ":0: not found in " + defs + "; the 1 listening row loaded before stays in force"
                + " (a file holding only its header line removes them)"), s.configErrors());
        assertEquals(List.of("a"), ids(s));
        assertEquals(Health.RED, health(s, "a"), "the row is still evaluated: its alert keeps firing");
        assertEquals(1, s.reloadsFailed());
        assertEquals(0, s.reloadsOk());
        assertEquals(List.of("portwatch: " + s.configErrors().get(0)), log.messages(Level.WARNING));
    }

    @Test
    void fileTruncatedToZeroBytesKeepsItsRows() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\nb,udp,,53,,dns\n");
        Monitor m = monitor();

        write(L, "");
        settle();
        m.cycle();

        assertEquals(List.of(L + ":0: file is empty (0 bytes); the 2 listening rows loaded before stay in force"
                + " (a file holding only its header line removes them)"), m.state().configErrors());
        assertEquals(List.of("a", "b"), ids(m.state()));
        assertEquals(Health.RED, health(m.state(), "b"));
    }

    @Test
    void fileWithoutHeaderLineKeepsItsRows() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();

        write(L, "# being rewritten\n");
        settle();
        m.cycle();

        assertEquals(List.of(L + ":0: no header line; the 1 listening row loaded before stays in force"
                + " (a file holding only its header line removes them)"), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
    }

    @Test
    void headerOnlyFileRemovesTheRowsWithAWarningSayingHowMany() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\nb,udp,,53,,dns\n");
        Monitor m = monitor();
        m.cycle();

        write(L, L_HEADER);
        settle();
        m.cycle();

        MonitorState s = m.state();
        assertEquals(List.of(), s.configErrors());
        assertEquals(List.of(), ids(s));
        assertEquals(1, s.reloadsOk());
        assertEquals(List.of("portwatch: " + L + " holds only its header line: 2 listening rows removed"),
                log.messages(Level.WARNING));
        assertEquals(0, s.evaluation().orElseThrow().rows().count(), "nothing is evaluated any more");
    }

    @Test
    void unparseableFileKeepsItsRowsAndNamesEveryProblem() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();

        writeListening("a,tcp,,22a,sshd,ssh\nb,tcp,,80,nginx,\"web\n");
        m.cycle();

        assertEquals(List.of(L + ":2: localPort: expecting 1-65535 (found \"22a\")",
                L + ":3: quoted field not closed before the end of the file"), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
        assertEquals(List.of("portwatch: 2 problems in " + L + "; the 1 listening row loaded before stays in force: "
                + L + ":2: localPort: expecting 1-65535 (found \"22a\"); "
                + L + ":3: quoted field not closed before the end of the file"), log.messages(Level.WARNING));
    }

    @Test
    void missingFileThatNeverHadRowsIsNoError() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        m.cycle();

        assertEquals(List.of(), m.state().configErrors());
        assertTrue(log.messages(Level.INFO).contains("portwatch: " + C + " not found in " + defs
                + ": no connection rows"), log.messages(Level.INFO).toString());
    }

    @Test
    void badListeningFileDoesNotHoldBackAGoodConnectionsChange() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        writeConnections("c,10.0.0.1,,5432,java,db\n");
        Monitor m = monitor();

        writeListening("a,tcp,,22a,sshd,ssh\n");
        writeConnections("c,10.0.0.1,,5432,java,db\nd,10.0.0.2,,5432,java,replica\n");
        m.cycle();

        MonitorState s = m.state();
        assertEquals(List.of(L + ":2: localPort: expecting 1-65535 (found \"22a\")"), s.configErrors());
        assertEquals(List.of("a"), s.definitions().listening().stream().map(r -> r.id()).collect(Collectors.toList()));
        assertEquals(List.of("c", "d"), s.definitions().connections().stream().map(r -> r.id())
                .collect(Collectors.toList()));
        assertEquals(Health.RED, health(s, "d"), "the new connection row is evaluated");
        assertEquals(1, s.reloadsOk());
        assertEquals(1, s.reloadsFailed());

        writeListening("a,tcp,,22,sshd,ssh\n");
        m.cycle();
        assertEquals(List.of(), m.state().configErrors(), "fixing the listening file clears its error");
        assertEquals(2, m.state().reloadsOk());
    }

    @Test
    void directoryRemovedIsOneErrorThatClearsWhenItIsBack() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        writeConnections("c,10.0.0.1,,5432,java,db\n");
        Monitor m = monitor();
        m.cycle();

        Path away = Files.move(defs, root.resolve("away"));
        m.cycle();
        assertEquals(List.of(defs + ":0: definitions directory not found"), m.state().configErrors());
        assertEquals(2, m.state().definitions().size(), "every row stays in force");
        assertEquals(Health.RED, health(m.state(), "c"));
        m.cycle();
        assertEquals(1, m.state().reloadsFailed(), "counted once, not every cycle");

        Files.move(away, defs);
        m.cycle();
        assertEquals(List.of(), m.state().configErrors());
        assertEquals(2, m.state().definitions().size());
        assertEquals(1, m.state().reloadsFailed());
    }

    @Test
    void directoryMissingAtStartIsAnErrorThatClearsWhenItAppears() throws IOException {
        Files.delete(defs);
        Monitor m = monitor();
        assertEquals(List.of(defs + ":0: definitions directory not found"), m.state().configErrors());

        Files.createDirectory(defs);
        writeListening("a,tcp,,22,sshd,ssh\n");
        m.cycle();

        assertEquals(List.of(), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
    }

    // ---- a file is read only once unchanged for a second -------------------------------------------------

    @Test
    void halfWrittenFileIsReadOnlyOnceUnchangedForOneSecond() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        int reads = listeningReads.get();

        write(L, L_HEADER + "a,tcp,,22,sshd,ssh\nb,tcp,,8"); // the editor has written half
        m.cycle();
        clock.advance(Duration.ofMillis(500));
        write(L, L_HEADER + "a,tcp,,22,sshd,ssh\nb,tcp,,8080,java,app\n"); // and the rest, half a second later
        m.cycle();
        clock.advance(Duration.ofMillis(999));
        m.cycle();
        assertEquals(reads, listeningReads.get(), "not read while it changed within the last second");
        assertEquals(List.of("a"), ids(m.state()));

        clock.advance(Duration.ofMillis(1));
        m.cycle();

        assertEquals(reads + 1, listeningReads.get(), "read once, whole");
        assertEquals(List.of("a", "b"), ids(m.state()));
        assertEquals(List.of(), m.state().configErrors());
    }

    @Test
    void fileModifiedInTheFutureIsReadOnceSeenUnchangedForOneSecond() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();

        Path file = defs.resolve(L);
        Files.writeString(file, L_HEADER + "a,tcp,,22,sshd,ssh\nb,udp,,53,,dns\n");
        Files.setLastModifiedTime(file, FileTime.from(clock.instant().plus(Duration.ofDays(1)))); // a skewed clock
        m.cycle();
        assertEquals(List.of("a"), ids(m.state()), "just seen changed");

        clock.advance(Duration.ofSeconds(1));
        m.cycle();
        assertEquals(List.of("a", "b"), ids(m.state()), "seen unchanged for a second by the monitor itself");
    }

    @Test
    void unchangedFileIsNotReadAgain() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        int reads = listeningReads.get();

        for (int i = 0; i < 3; i++) {
            settle();
            m.cycle();
        }

        assertEquals(reads, listeningReads.get());
        assertEquals(0, m.state().reloadsOk() + m.state().reloadsFailed());
    }

    // ---- hostile files --------------------------------------------------------------------------------

    @Test
    @Timeout(value = BLOCKED_FOR_EVER_SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO opened by mistake blocks for ever
    void fifoInPlaceOfTheFileIsAConfigErrorAndTheScanGoesOn() throws Exception {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        Files.delete(defs.resolve(L));
        Fifos.make(defs.resolve(L));
        settle();

        m.cycle(); // returns: a FIFO opened would block it for ever, a read abandoned would leave it stale

        assertEquals(List.of(L + ":0: expecting a regular file (found a FIFO)"), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
        assertFalse(m.state().stale(), "the type check never opens the FIFO: nothing waited, the scan ran");
        assertEquals(1, source.scans.get());
    }

    @Test
    void symbolicLinkToDevZeroIsAConfigError() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        Files.delete(defs.resolve(L));
        Files.createSymbolicLink(defs.resolve(L), Path.of("/dev/zero"));
        settle();

        m.cycle();

        assertEquals(List.of(L + ":0: expecting a regular file (found a symbolic link to a character device: /dev/zero)"),
                m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
    }

    // ---- a definitions error clears when its cause is gone, without an edit (rule 3) ------------------------

    @Test
    void aFolderWritableByEveryoneIsAConfigErrorThatClearsOnceFixedWithoutAnEdit() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        Files.setPosixFilePermissions(defs, PosixFilePermissions.fromString("rwxrwxrwx"));
        settle();

        m.cycle();

        assertEquals(List.of(defs + ":0: definitions folder " + defs + " is writable by every user: chmod o-w " + defs
                + " (or set files.strictModes=false, unsafe)"), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()), "the last good rows stay in force");

        Files.setPosixFilePermissions(defs, PosixFilePermissions.fromString("rwxr-xr-x"));
        m.cycle();

        assertEquals(List.of(), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
    }

    /** chmod changes neither the modification time nor the size: what the watcher looks at must see it. */
    @Test
    void aFileMadeWritableByEveryoneIsAConfigErrorThatClearsAfterChmodWithoutAnEdit() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        Path file = defs.resolve(L);
        FileTime modified = Files.getLastModifiedTime(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        settle();

        m.cycle();

        assertEquals(List.of(L + ":0: definitions file " + file + " is writable by every user: chmod o-w " + file
                + " (or set files.strictModes=false, unsafe)"), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        settle();
        m.cycle();

        assertEquals(List.of(), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
        assertEquals(modified, Files.getLastModifiedTime(file), "no edit");
        assertEquals(1, m.state().reloadsOk());
    }

    @Test
    void aLinkToTheHostsCommandLineIsAConfigErrorThatClearsWhenTheLinkIsReplaced() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Path good = Files.copy(defs.resolve(L), root.resolve("good.csv"));
        Monitor m = monitor();
        Files.delete(defs.resolve(L));
        Files.createSymbolicLink(defs.resolve(L), Path.of("/proc/self/cmdline"));
        settle();

        m.cycle();

        assertEquals(List.of(L + ":0: definitions file " + defs.resolve(L) + " is on the kernel file system proc,"
                + " not on a disk: it is not used"), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
        assertFalse(String.join("\n", log.messages(Level.WARNING)).contains("surefire"), "nothing of it is logged");

        Files.delete(defs.resolve(L));
        Files.createSymbolicLink(defs.resolve(L), good);
        settle();
        m.cycle();

        assertEquals(List.of(), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
    }

    /**
     * Not listed: a cause outside everything the watcher looks at (here the folder a link points into; likewise
     * a group's members in /etc/group) clears at the next retry of the unread file, and retries that find the same
     * problem say nothing more.
     */
    @Test
    void anUnreadFileIsTriedAgainSoACauseOutsideItClearsWithoutAnEdit() throws IOException {
        Path open = Files.createDirectory(root.resolve("open"));
        Path target = Files.writeString(open.resolve("listening.csv"), L_HEADER + "a,tcp,,22,sshd,ssh\n");
        Files.setLastModifiedTime(target, FileTime.from(clock.instant()));
        Files.createSymbolicLink(defs.resolve(L), target);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        settle();
        Monitor m = monitor();

        assertEquals(List.of(L + ":0: the folder of the target of definitions file " + defs.resolve(L) + ": " + open
                + " is writable by every user: chmod o-w " + open + " (or set files.strictModes=false, unsafe)"),
                m.state().configErrors());
        int warnings = log.messages(Level.WARNING).size();
        clock.advance(DefinitionsWatcher.RETRY_UNREAD);
        m.cycle();
        assertEquals(1, m.state().configErrors().size());
        assertEquals(warnings, log.messages(Level.WARNING).size(), "a retry that finds the same problem logs nothing");
        assertEquals(0, m.state().reloadsFailed(), "and counts no failed reload");

        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        m.cycle();
        assertEquals(1, m.state().configErrors().size(), "nothing the watcher looks at changed: not before the retry");
        clock.advance(DefinitionsWatcher.RETRY_UNREAD);
        m.cycle();

        assertEquals(List.of(), m.state().configErrors());
        assertEquals(List.of("a"), ids(m.state()));
    }

    /** A problem of the content (here not UTF-8) goes only with an edit: the file is not read again meanwhile. */
    @Test
    void aFileWhoseContentIsWrongIsNotReadAgainUntilItChanges() throws IOException {
        Files.write(defs.resolve(L), (L_HEADER + "a,tcp,,22,ss\u00fchd,x\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.setLastModifiedTime(defs.resolve(L), FileTime.from(clock.instant()));
        settle();
        Monitor m = monitor();
        assertEquals(List.of(L + ":2: expecting UTF-8 text, save the file as UTF-8 (found byte 0xFC)"),
                m.state().configErrors());
        int reads = listeningReads.get();

        clock.advance(DefinitionsWatcher.RETRY_UNREAD.multipliedBy(3));
        m.cycle();

        assertEquals(reads, listeningReads.get());
    }

    @Test
    @Timeout(value = BLOCKED_FOR_EVER_SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void readThatDoesNotFinishIsAbandonedTheScanIsSkippedAndNoOtherReadStarts() throws Exception {
        writeListening("a,tcp,,22,sshd,ssh\n");
        writeConnections("c,10.0.0.1,,5432,java,db\n");
        Monitor m = monitor();
        m.cycle();
        Path fifo = root.resolve("fifo");
        Fifos.make(fifo);
        openFifo = fifo; // the next listening read blocks in open(2), as one of a file swapped for a FIFO would
        writeListening("a,tcp,,22,sshd,ssh\nb,udp,,53,,dns\n");
        int reads = listeningReads.get();
        try {
            m.cycle(); // returns at the read deadline: one that waited on would block for ever

            MonitorState skipped = m.state();
            assertTrue(skipped.stale());
            assertEquals("scan skipped: reading " + L + " did not finish within 500 ms", skipped.lastScanError());
            assertEquals(1, source.scans.get(), "this cycle did not scan");
            assertEquals(List.of(L + ":0: not read: reading did not finish within 500 ms (still running, abandoned"
                    + " by this scan)"), skipped.configErrors());
            assertEquals(List.of("a"), ids(skipped));
            assertEquals(1, skipped.reloadsFailed());

            Instant started = clock.instant();
            writeConnections("c,10.0.0.1,,5432,java,db\nd,10.0.0.2,,5432,java,replica\n");
            m.cycle();
            m.cycle();

            // no cycle waited for the read still running: one that did would have hit the read deadline again,
            // skipped its scan (stale, fewer scans) and started no second read only by luck
            MonitorState still = m.state();
            assertEquals(reads + 1, listeningReads.get(), "no other read of the file started");
            assertEquals(1, threads("portwatch-definitions-read-listening"), "one reader thread");
            assertEquals(List.of(L + ":0: still reading: the read started at " + started
                    + " has not finished; no other read of this file starts until it does or the file changes"),
                    still.configErrors());
            assertFalse(still.stale(), "the next cycles scan, with the last good rows");
            assertEquals(3, source.scans.get());
            assertEquals(List.of("c", "d"), still.definitions().connections().stream().map(r -> r.id())
                    .collect(Collectors.toList()), "the other file is read on as usual");
        } finally {
            unblock(fifo);
        }
        waitUntil(() -> !m.state().configErrors().toString().contains("has not finished"), m);

        assertEquals(List.of("a", "b"), ids(m.state()), "the late read is used: the file is as it was when it started");
        assertEquals(List.of(), m.state().configErrors());
    }

    /** A file swapped for a FIFO between type check and open, then back: the stuck read must not freeze the file. */
    @Test
    @Timeout(value = BLOCKED_FOR_EVER_SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aReadStuckInTheKernelIsLeftBehindOnceTheFileChanges() throws Exception {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        Path fifo = root.resolve("fifo");
        Fifos.make(fifo);
        openFifo = fifo;
        writeListening("a,tcp,,22,sshd,ssh\nb,udp,,53,,dns\n");
        try {
            m.cycle();
            assertTrue(m.state().stale());
            openFifo = null; // the reader stays blocked; the file is regular again, and changed
            writeListening("a,tcp,,22,sshd,ssh\nc,udp,,123,,ntp\n");
            waitUntil(() -> ids(m.state()).contains("c"), m);

            assertEquals(List.of("a", "c"), ids(m.state()));
            assertEquals(List.of(), m.state().configErrors());
            assertEquals(1, threads("portwatch-definitions-read-listening-2"), "the new reader");
        } finally {
            unblock(fifo);
        }
    }

    @Test
    @Timeout(value = BLOCKED_FOR_EVER_SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void lateReadOfAFileChangedSinceIsNotUsed() throws Exception {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor();
        Path fifo = root.resolve("fifo");
        Fifos.make(fifo);
        openFifo = fifo;
        writeListening("a,tcp,,22,sshd,ssh\nb,udp,,53,,dns\n");
        try {
            m.cycle();
            assertTrue(m.state().stale());
        } finally {
            unblock(fifo);
        }
        openFifo = null;
        writeListening("a,tcp,,22,sshd,ssh\nc,udp,,123,,ntp\n");
        waitUntil(() -> ids(m.state()).contains("c"), m);

        assertEquals(List.of("a", "c"), ids(m.state()));
        assertFalse(m.state().stale());
    }

    @Test
    void fileOf500000BadRowsKeeps100ProblemsAndLogsOneBoundedLine() throws IOException {
        writeListening("a,tcp,,22,sshd,ssh\n");
        Monitor m = monitor(Duration.ofSeconds(120)); // a slow shared build machine must not turn this into a timeout

        writeListening("x,tcp,,0,,\n".repeat(500_000));
        m.cycle();

        List<String> errors = m.state().configErrors();
        assertEquals(101, errors.size());
        assertEquals(L + ":2: localPort: expecting 1-65535 (found \"0\")", errors.get(0));
        assertEquals(L + ":0: and 499900 more problems (only the first 100 are kept)", errors.get(100));
        assertEquals(List.of("a"), ids(m.state()));
        List<String> warnings = log.messages(Level.WARNING);
        assertEquals(1, warnings.size());
        String line = warnings.get(0);
        assertTrue(line.startsWith("portwatch: 500000 problems in " + L + "; the 1 listening row loaded before"
                + " stays in force: " + L + ":2: localPort: expecting 1-65535 (found \"0\"); "), line);
        assertTrue(line.endsWith("; " + L + ":21: localPort: expecting 1-65535 (found \"0\"); and 499980 more"), line);
        assertTrue(line.length() < 2000, "one bounded line: " + line.length() + " characters");
        assertFalse(line.contains("\n"));
    }

    @Test
    void problemsLineShowsTheFirst20AndHowManyMore() {
        List<String> problems = java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(i -> "p" + i)
                .collect(Collectors.toList());

        assertEquals("head: p1; p2; p3", DefinitionsWatcher.problemsLine("head", problems.subList(0, 3), 3));
        assertEquals("head: " + String.join("; ", problems.subList(0, 20)) + "; and 999980 more",
                DefinitionsWatcher.problemsLine("head", problems, 1_000_000));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Monitor monitor() {
        return monitor(DEADLINE);
    }

    private Monitor monitor(Duration readDeadline) {
        monitor = new Monitor(source, names, EvaluationOptions.forHost("test"), defs, Duration.ofSeconds(15), "test",
                clock, readDeadline, this::load);
        return monitor;
    }

    /** The production loader, counting listening reads; opens {@link #openFifo} first when set. */
    private DefinitionsFileResult load(Path directory, DefinitionsFile file) {
        if (file == DefinitionsFile.LISTENING) {
            listeningReads.incrementAndGet();
            Path fifo = openFifo;
            if (fifo != null) {
                try (InputStream in = Files.newInputStream(fifo)) { // blocks in open(2) until a writer opens it
                    in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return DefinitionsLoader.loadFile(directory, file);
    }

    private void writeListening(String rows) throws IOException {
        write(L, L_HEADER + rows);
        settle();
    }

    private void writeConnections(String rows) throws IOException {
        write(C, C_HEADER + rows);
        settle();
    }

    /** Writes a file whose modification time is now by the test's clock. */
    private void write(String name, String text) throws IOException {
        Path file = defs.resolve(name);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    }

    /** Lets the second pass after which a file unchanged since is read. */
    private void settle() {
        clock.advance(Duration.ofSeconds(1));
    }

    private static List<String> ids(MonitorState s) {
        return s.definitions().listening().stream().map(r -> r.id()).collect(Collectors.toList());
    }

    private static Health health(MonitorState s, String id) {
        return s.evaluation().orElseThrow().rows().filter(r -> r.id().equals(id)).map(RowResult::health)
                .findFirst().orElseThrow(() -> new AssertionError("no result for " + id));
    }

    private static long threads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count();
    }

    /**
     * Lets a read blocked opening the FIFO go on: a writer's open completes it, and closing gives it end of
     * file. On its own thread: without a reader waiting, opening for writing would block too.
     */
    private static void unblock(Path fifo) throws InterruptedException {
        Thread writer = new Thread(() -> {
            try {
                new FileOutputStream(fifo.toFile()).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "test-fifo-writer");
        writer.setDaemon(true);
        writer.start();
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** Cycles (a second apart by the test's clock) until the condition holds; at most 10 s. */
    private void waitUntil(java.util.function.BooleanSupplier condition, Monitor m) throws Exception {
        Poll.until(Duration.ofSeconds(10), () -> "gave up waiting; state: " + m.state().configErrors(), () -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            settle();
            m.cycle();
            return condition.getAsBoolean();
        });
    }
}
