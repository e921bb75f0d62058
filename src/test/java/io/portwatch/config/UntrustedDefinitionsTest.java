package io.portwatch.config;

import io.portwatch.support.FileTrust;
import io.portwatch.testing.Fifos;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Definitions files are untrusted input (docs/design.md §2, §5): only regular files are read, at most
 * 16 MiB, fields within NetstatWatcher's limits, at most 100 problems kept, and no message grows with
 * the input. Real files, FIFOs, sockets and symbolic links in a temporary directory.
 */
class UntrustedDefinitionsTest {

    /** Not a time window: a load still running after this long is blocked (in open(2) of a FIFO), not slow. */
    private static final Duration BLOCKED_FOR_EVER = Duration.ofSeconds(10);

    private static final String L = DefinitionsLoader.LISTENING_FILE;
    private static final String C = DefinitionsLoader.CONNECTIONS_FILE;
    private static final String LISTENING_HEADER = "ipProtocol,localIP,localPort,procName,comment\n";
    private static final String CONNECTIONS_HEADER = "remoteIP,remoteName,remotePort,procName,comment\n";

    @TempDir
    Path dir;

    // ---- rows per file -----------------------------------------------------------------------------

    /** 16 MiB of short valid rows would be over a million rows in the host's heap. */
    @Test
    void aFileOfMoreThanTheMaximumRowsIsAProblemAndNotUsed() throws IOException {
        StringBuilder text = new StringBuilder(LISTENING_HEADER);
        for (int i = 1; i <= DefinitionsLoader.MAX_ROWS; i++) {
            text.append("tcp,,").append(i).append(",p,\n");
        }
        Files.writeString(dir.resolve(L), text);
        DefinitionsFileResult full = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        assertEquals(List.of(), problems(full));

        text.append("udp,,1,p,\n");
        Files.writeString(dir.resolve(L), text);
        DefinitionsFileResult over = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        assertEquals(List.of(L + ":" + (DefinitionsLoader.MAX_ROWS + 2) + ": more than 20000 rows: a definitions file"
                + " holds at most 20000 (the rest is not read)"), problems(over));
    }

    // ---- only regular files -----------------------------------------------------------------------

    @Test
    void fifoIsAProblemNamingItAndIsNeverOpened() throws Exception {
        Fifos.make(dir.resolve(L));

        // opening a FIFO without a writer blocks in open(2): the load returning at all proves it was not opened
        DefinitionsFileResult result = assertTimeoutPreemptively(BLOCKED_FOR_EVER,
                () -> DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING));

        assertEquals(List.of(L + ":0: expecting a regular file (found a FIFO)"), problems(result));
        assertEquals(DefinitionsFileResult.Content.REFUSED, result.content());
    }

    @Test
    void symbolicLinkToDevZeroIsAProblemNamingTheTarget() throws IOException {
        Files.createSymbolicLink(dir.resolve(L), Path.of("/dev/zero"));

        assertEquals(List.of(L + ":0: expecting a regular file (found a symbolic link to a character device: /dev/zero)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING)));
    }

    @Test
    void symbolicLinkToARegularFileIsRead() throws IOException {
        Path real = Files.writeString(dir.resolve("real.csv"), LISTENING_HEADER + "tcp,,22,sshd,ssh\n");
        Files.createSymbolicLink(dir.resolve(L), real);

        DefinitionsFileResult result = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);

        assertEquals(List.of(), problems(result));
        assertEquals(1, result.rows());
        assertEquals(new Source(L, 2), result.definitions().listening().get(0).source());
    }

    @Test
    void danglingSymbolicLinkIsAMissingFileWithANoteNamingTheTarget() throws IOException {
        Files.createSymbolicLink(dir.resolve(L), dir.resolve("gone.csv"));

        DefinitionsFileResult result = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);

        assertEquals(List.of(), problems(result));
        assertEquals(DefinitionsFileResult.Content.MISSING, result.content());
        assertEquals(List.of(L + " in " + dir + " is a symbolic link to a missing file (" + dir.resolve("gone.csv")
                + "): no listening rows"), result.notes());
    }

    @Test
    void unixDomainSocketIsAProblemNamingIt() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve(C)));

            assertEquals(List.of(C + ":0: expecting a regular file (found a socket)"),
                    problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.CONNECTIONS)));
        }
    }

    @Test
    void directoryInPlaceOfTheFileIsAProblemNamingIt() throws IOException {
        Files.createDirectory(dir.resolve(C));

        assertEquals(List.of(C + ":0: expecting a regular file (found a directory)"),
                problems(DefinitionsLoader.load(dir)));
    }

    @Test
    void characterDeviceIsAProblemNamingIt() throws IOException {
        Files.createSymbolicLink(dir.resolve("MonitoredTcpConnects.csv"), Path.of("/dev/null"));

        assertEquals(List.of("MonitoredTcpConnects.csv:0: expecting a regular file"
                        + " (found a symbolic link to a character device: /dev/null)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.CONNECTIONS)));
    }

    // ---- trusted files, judged before they are opened (docs/design.md §5, rule 3) -----------------------

    /** The host's command line holds -D secrets the Jolokia policy hides: never read, never quoted. */
    @Test
    void aLinkToTheHostsCommandLineIsRefusedBeforeItIsOpenedAndQuotesNothing() throws IOException {
        Files.createSymbolicLink(dir.resolve(L), Path.of("/proc/self/cmdline"));

        DefinitionsFileResult result = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);

        assertEquals(List.of(L + ":0: definitions file " + dir.resolve(L) + " is on the kernel file system proc,"
                + " not on a disk: it is not used"), problems(result));
        assertEquals(DefinitionsFileResult.Content.REFUSED, result.content());
    }

    /** A regular file whose read blocks: refused on its file system, so no reader thread ever waits on it. */
    @Test
    void aLinkToProcKmsgIsRefusedWithoutBlocking() throws IOException {
        Path kmsg = Path.of("/proc/kmsg");
        assertTrue(Files.isRegularFile(kmsg), "/proc/kmsg, which Linux always has, is the case under test");
        Files.createSymbolicLink(dir.resolve(C), kmsg);

        DefinitionsFileResult result = assertTimeoutPreemptively(BLOCKED_FOR_EVER,
                () -> DefinitionsLoader.loadFile(dir, DefinitionsFile.CONNECTIONS));

        assertEquals(List.of(C + ":0: definitions file " + dir.resolve(C) + " is on the kernel file system proc,"
                + " not on a disk: it is not used"), problems(result));
    }

    @Test
    void aLinkToARegularFileOfSysfsIsRefusedEvenWithStrictModesOff() throws IOException {
        Path sysfs = Path.of("/sys/kernel/address_bits");
        assertTrue(Files.isRegularFile(sysfs), sysfs + ", a regular file of sysfs, is the case under test");
        Files.createSymbolicLink(dir.resolve(L), sysfs);

        assertEquals(List.of(L + ":0: definitions file " + dir.resolve(L) + " is on the kernel file system sysfs,"
                        + " not on a disk: it is not used"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING, FileTrust.of(false))));
    }

    @Test
    void aSymbolicLinkLoopIsAProblemNamingIt() throws IOException {
        Files.createSymbolicLink(dir.resolve(L), dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), dir.resolve(L));

        assertEquals(List.of(L + ":0: expecting a regular file (found a symbolic link that cannot be followed:"
                        + " Too many levels of symbolic links or unable to access attributes of symbolic link)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING)));
    }

    /** A root-owned text file (as /etc/shadow is) passes the owner rule, but it is no definitions file. */
    @Test
    void aLinkToAnotherRootOwnedFileQuotesNothingOfItsContent() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "root:$6$SECRETHASH:19000:0:99999:7:::\n"
                + "admin:\"SECRET2\"x:1:2\n");
        Files.createSymbolicLink(dir.resolve(L), secret);
        Path shadow = Path.of("/etc/shadow");
        if (Files.isRegularFile(shadow)) {
            Files.createSymbolicLink(dir.resolve(C), shadow);
        }

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertEquals(L + ":1: the first line is not the header of a definitions file, expecting one such as"
                + " ipProtocol,localIP,localPort,procName,comment (nothing of the line is quoted)",
                result.problems().get(0).toString());
        for (DefinitionProblem p : result.problems()) {
            assertFalse(p.toString().contains("SECRET") || p.toString().contains("root:"), p::toString);
        }
    }

    /** The header may be broken before its first comma: then nothing of it is quoted either. */
    @Test
    void aFirstLineThatCannotBeReadQuotesNothingOfIt() {
        assertEquals(List.of(L + ":1: expecting a comma or the end of the line after a closing quote"),
                problems(DefinitionsLoader.parseListening(L, new StringReader("\"pw\"SECRET,x\n"))));
        assertEquals(List.of(L + ":1: quoted field not closed before the end of the file"),
                problems(DefinitionsLoader.parseListening(L, new StringReader("\"SECRET\n"))));
    }

    @Test
    void aWorldWritableFolderIsRefusedAndItsFilesAreNotRead() throws IOException {
        Files.writeString(dir.resolve(L), LISTENING_HEADER + "tcp,,22,sshd,ssh\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertEquals(List.of(dir + ":0: definitions folder " + dir + " is writable by every user: chmod o-w " + dir
                + " (or set files.strictModes=false, unsafe)"), problems(result));
        assertEquals(0, result.definitions().size());
        assertEquals(List.of(dir + ":0: definitions folder " + dir + " is writable by every user: chmod o-w " + dir
                        + " (or set files.strictModes=false, unsafe)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING)));
        assertEquals(1, DefinitionsLoader.load(dir, FileTrust.of(false)).definitions().size(), "strictModes=false");
    }

    @Test
    @Tag("root")
    void aFileWritableByAGroupOfOtherUsersIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve(L), LISTENING_HEADER + "tcp,,22,sshd,ssh\n");
        Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(
                file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("daemon"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

        assertEquals(List.of(L + ":0: definitions file " + file + " is writable by group daemon, which holds other"
                        + " users than root: chmod g-w " + file + " (or set files.strictModes=false, unsafe)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING)));
    }

    @Test
    @Tag("root")
    void aFileOwnedByAnotherUserIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve(C), CONNECTIONS_HEADER);
        Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        assertEquals(List.of(C + ":0: definitions file " + file + " is owned by nobody, not root: only a"
                        + " trusted user may have put it there; chown it (or set files.strictModes=false, unsafe)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.CONNECTIONS)));
    }

    /** Not listed: whoever may write in the folder a link points into may swap the file it points to. */
    @Test
    void aLinkToAFileInAWorldWritableFolderIsRefused() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path target = Files.writeString(open.resolve("defs.csv"), LISTENING_HEADER + "tcp,,22,sshd,ssh\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(dir.resolve(L), target);

        assertEquals(List.of(L + ":0: the folder of the target of definitions file " + dir.resolve(L) + ": " + open
                        + " is writable by every user: chmod o-w " + open + " (or set files.strictModes=false, unsafe)"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING)));
    }

    // ---- untrusted text made printable where it is read (rule 4) -----------------------------------------

    @Test
    void controlCharactersInAFieldAreHeldVisibly() {
        DefinitionsLoadResult result = DefinitionsLoader.parseListening(L, new StringReader(LISTENING_HEADER
                + "tcp,,22,ss\u001bhd,\"a\u001b[31m\u0085b\r\nc\u202e\"\n"));

        ListeningRow row = result.definitions().listening().get(0);
        assertEquals("a\\x1b[31m\\x85b\\x0ac\\u202e", row.comment());
        assertEquals("ss\\x1bhd", row.procName().text());
    }

    @Test
    void aLoneSurrogateFromAReaderBecomesTheReplacementCharacter() {
        DefinitionsLoadResult result = DefinitionsLoader.parseListening(L, new StringReader(LISTENING_HEADER
                + "tcp,,22,sshd,a\uD800b\n"));

        assertEquals("a\uFFFDb", result.definitions().listening().get(0).comment());
    }

    /** Not listed: a parser's message (shared with other callers) is bounded and escaped too. */
    @Test
    void aParsersMessageQuotesAtMost40PrintableCharacters() {
        String value = "\u001b".repeat(20); // held as 20 escapes of 4 characters

        assertEquals(List.of(L + ":2: ipProtocol: expecting tcp or udp (found \"" + "\\x1b".repeat(10)
                        + "...\" (80 characters))"),
                problems(DefinitionsLoader.parseListening(L, new StringReader(LISTENING_HEADER + value + ",,22,,\n"))));
    }

    /** Not listed: a duplicate derived id holds a 500-character procName; its problem shows 40 characters of it. */
    @Test
    void aDuplicateLongIdIsQuotedCut() {
        String row = "tcp,,22," + "p".repeat(500) + ",x\n";

        assertEquals(List.of(L + ":3: id: duplicate id \"tcp-any-22-" + "p".repeat(29) + "...\" (511 characters),"
                        + " first defined at line 2"),
                problems(DefinitionsLoader.parseListening(L, new StringReader(LISTENING_HEADER + row + row))));
    }

    // ---- the CSV reader's memory is bounded by the file, whatever the quoting (rule 2) ---------------------

    /**
     * The bound on what loading a 16 MiB file allocates on the loading thread, in multiples of the file: the bytes
     * (once, sized by the file's size) and the text (once, Latin-1 for ASCII) are 2; 4 leaves room for the rest
     * and is far below what held the 16 MiB value several times (a quoted field's builder grown by doubling, then
     * copied).
     */
    private static final int ALLOCATION_FACTOR = 4;

    @Test
    void a16MiBFileWithOneUnterminatedQuoteIsAProblemAtItsLineAndAllocatesLessThan4TimesItsSize() throws IOException {
        byte[] bytes = new byte[DefinitionsLoader.MAX_FILE_BYTES];
        byte[] head = (LISTENING_HEADER + "tcp,,22,sshd,ssh\ntcp,,23,telnetd,\"").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, bytes, 0, head.length);
        for (int i = head.length; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 100 == 0 ? '\n' : 'x');
        }
        Files.write(dir.resolve(L), bytes);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        DefinitionsFileResult result = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(List.of(L + ":3: quoted field not closed before the end of the file"), problems(result));
        assertTrue(allocated < (long) ALLOCATION_FACTOR * bytes.length, "allocated " + allocated + " bytes for a file"
                + " of " + bytes.length + " (" + String.format("%.2f", (double) allocated / bytes.length) + "x)");
    }

    @Test
    void aQuotedFieldLongerThanTheLargestLimitIsCutAsAProblemAndLaterRowsAreRead() {
        String huge = "y\"\"\r\n".repeat(1_000_000); // 3,000,000 characters once read

        DefinitionsLoadResult result = DefinitionsLoader.parseListening(L, new StringReader(LISTENING_HEADER
                + "tcp,,22,sshd,\"" + huge + "\"\ntcp,,80a,nginx,web\n"));

        assertEquals(List.of(L + ":2: comment: expecting at most 1024 characters (found \""
                        + "y\"\\x0a".repeat(6) + "y\"...\" (3000000 characters))", // no escape cut in two
                L + ":1000003: localPort: expecting 1-65535 (found \"80a\")"), problems(result));
    }

    @Test
    void anUnquotedFieldLongerThanTheLargestLimitIsCutToo() {
        DefinitionsCsv.Record record = DefinitionsCsv.read("a," + "u".repeat(5000) + ",b\n").records().get(0);

        assertEquals(DefinitionsCsv.MAX_FIELD_CHARS + 1, record.fields().get(1).length());
        assertEquals(5000, record.length(1));
        assertEquals("b", record.fields().get(2));
    }

    // ---- at most 16 MiB, decided by reading ---------------------------------------------------------

    @Test
    void fileOfExactly16MiBIsReadAndOneByteMoreIsNot() throws IOException {
        byte[] bytes = new byte[DefinitionsLoader.MAX_FILE_BYTES];
        byte[] head = (LISTENING_HEADER + "tcp,,22,sshd,ssh\n#").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, bytes, 0, head.length);
        java.util.Arrays.fill(bytes, head.length, bytes.length, (byte) 'x'); // one long comment line
        Files.write(dir.resolve(L), bytes);

        DefinitionsFileResult exactly = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        assertEquals(List.of(), problems(exactly));
        assertEquals(1, exactly.rows());

        Files.write(dir.resolve(L), new byte[] {'x'}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of(L + ":0: file larger than 16 MiB, not read"),
                problems(DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING)));
    }

    @Test
    void sizeIsDecidedByReadingNotByTheSizeTheFileSystemReports() throws IOException {
        CountingZeros zeros = new CountingZeros(); // endless, as /dev/zero, whose size reads as 0

        assertNull(DefinitionsBytes.readAtMost(zeros, 1000));
        assertEquals(1001, zeros.read, "reads one byte past the limit, never further");
        assertEquals(3, DefinitionsBytes.readAtMost(new java.io.ByteArrayInputStream(new byte[3]), 3).length);
    }

    @Test
    void readerLongerThan16MiBIsNotParsed() {
        String text = LISTENING_HEADER + "#" + "x".repeat(DefinitionsLoader.MAX_FILE_BYTES);

        assertEquals(List.of(L + ":0: file larger than 16 MiB, not read"),
                problems(DefinitionsLoader.parseListening(L, new StringReader(text))));
    }

    // ---- field lengths ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}: {2} characters")
    @CsvSource({
            "listening,   ipProtocol, 256",
            "listening,   localIP,    256",
            "listening,   localPort,  256",
            "listening,   procName,   512",
            "listening,   comment,    1024",
            "listening,   id,         256",
            "listening,   host,       256",
            "listening,   severity,   256",
            "connection,  remoteIP,   256",
            "connection,  remoteName, 256",
            "connection,  remotePort, 256",
            "connection,  procName,   512",
            "connection,  comment,    1024",
            "connection,  id,         256",
            "connection,  host,       256",
            "connection,  severity,   256",
            "connection,  localPort,  256",
            "connection,  minCount,   256",
            "connection,  maxCount,   256",
    })
    void valueLongerThanItsColumnAllowsIsAProblemNamingFileLineAndColumn(String kind, String column, int max) {
        String tooLong = "Z".repeat(max + 1);

        List<String> problems = problems(parseOneRow(kind, column, tooLong));

        String file = kind.equals("listening") ? L : C;
        assertEquals(List.of(file + ":3: " + column + ": expecting at most " + max + " characters (found \""
                + "Z".repeat(40) + "...\" (" + (max + 1) + " characters))"), problems);
    }

    @ParameterizedTest(name = "{0} {1}: {2} characters")
    @CsvSource({
            "listening,   procName,   512",
            "listening,   comment,    1024",
            "listening,   host,       256",
            "connection,  procName,   512",
            "connection,  comment,    1024",
            "connection,  host,       256",
    })
    void valueOfExactlyItsColumnsLimitIsAccepted(String kind, String column, int max) {
        DefinitionsLoadResult result = parseOneRow(kind, column, "z".repeat(max));

        assertEquals(List.of(), problems(result));
        assertEquals(2, result.definitions().size());
    }

    @Test
    void lengthIsCountedInCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00".repeat(1024); // 1024 characters, 2048 UTF-16 units

        DefinitionsLoadResult result = parseOneRow("listening", "comment", emoji);

        assertEquals(List.of(), problems(result));
        assertTrue(emoji.equals(result.definitions().listening().get(1).comment()), "the comment is kept whole");
    }

    @Test
    void otherProblemsOfARowWithATooLongValueAreStillReported() {
        String row = "icmp,,22," + "p".repeat(513) + ",\n";

        assertEquals(List.of(
                        L + ":2: procName: expecting at most 512 characters (found \""
                                + "p".repeat(40) + "...\" (513 characters))",
                        L + ":2: ipProtocol: expecting tcp or udp (found \"icmp\")"),
                problems(DefinitionsLoader.parseListening(L, new StringReader(LISTENING_HEADER + row))));
    }

    // ---- messages stay bounded and one line ----------------------------------------------------------

    @Test
    void longUnknownColumnNameIsQuotedCut() {
        String name = "q".repeat(1_000_000);

        List<String> problems = problems(DefinitionsLoader.parseListening(L,
                new StringReader("localPort," + name + "\n22,x\n")));

        assertEquals(List.of(L + ":1: unknown column, expecting one of ipProtocol, localIP, localPort, procName, comment,"
                + " id, host, severity, netns (found \"" + "q".repeat(40) + "...\" (1000000 characters))"), problems);
    }

    @Test
    void longTextAfterAClosingQuoteIsQuotedCut() {
        String rest = "r".repeat(300);

        assertEquals(List.of(L + ":2: expecting a comma or the end of the line after a closing quote (found \""
                        + "r".repeat(40) + "...\" (300 characters))"),
                problems(DefinitionsLoader.parseListening(L,
                        new StringReader(LISTENING_HEADER + "tcp,,22,sshd,\"ssh\"" + rest + "\n"))));
    }

    @Test
    void lineBreakInAQuotedValueIsShownEscapedSoAProblemIsOneLine() {
        assertEquals(List.of(L + ":2: localPort: expecting 1-65535 (found \"8\\x0a0\")"),
                problems(DefinitionsLoader.parseListening(L,
                        new StringReader(LISTENING_HEADER + "tcp,,\"8\n0\",sshd,ssh\n"))));
    }

    @Test
    void recordOfMoreThan64FieldsIsASyntaxErrorAndLaterRowsAreStillRead() {
        String commas = ",".repeat(4_000_000); // 4,000,001 empty fields: none of them is held

        DefinitionsLoadResult result = DefinitionsLoader.parseListening(L,
                new StringReader(LISTENING_HEADER + commas + "\ntcp,,80a,nginx,web\n"));

        assertEquals(List.of(L + ":2: expecting at most 64 fields (found 4000001)",
                L + ":3: localPort: expecting 1-65535 (found \"80a\")"), problems(result));
    }

    @Test
    void headerOfMoreThan64FieldsIsOneProblem() {
        assertEquals(List.of(L + ":1: expecting at most 64 fields (found 65)"),
                problems(DefinitionsLoader.parseListening(L, new StringReader("localPort" + ",x".repeat(64) + "\n22\n"))));
    }

    @Test
    void controlCharactersAreShownEscaped() {
        assertEquals("a\\r\\tb\\u001B[31m\\u2028", DefinitionProblem.oneLine("a\r\tb\u001B[31m\u2028"));
        assertEquals("plain", DefinitionProblem.oneLine("plain"));
    }

    // ---- at most 100 problems kept --------------------------------------------------------------------

    @Test
    void fileOf500000BadRowsKeepsTheFirst100ProblemsAndCountsAll() throws IOException {
        StringBuilder text = new StringBuilder(LISTENING_HEADER);
        for (int i = 0; i < 500_000; i++) {
            text.append("tcp,,0,,\n");
        }
        Files.writeString(dir.resolve(L), text);

        DefinitionsFileResult result = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);

        assertEquals(500_000, result.problemCount());
        assertEquals(100, result.problems().size());
        assertEquals(L + ":2: localPort: expecting 1-65535 (found \"0\")", result.problems().get(0).toString());
        assertEquals(L + ":101: localPort: expecting 1-65535 (found \"0\")", result.problems().get(99).toString());
        List<String> lines = result.problemLines();
        assertEquals(101, lines.size());
        assertEquals(L + ":0: and 499900 more problems (only the first 100 are kept)", lines.get(100));
        assertFalse(result.ok());
    }

    @Test
    void eachFileKeepsItsOwn100Problems() throws IOException {
        Files.writeString(dir.resolve(L), LISTENING_HEADER + "tcp,,0,,\n".repeat(150));
        Files.writeString(dir.resolve(C), CONNECTIONS_HEADER + ",,0,,\n".repeat(120));

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertEquals(270, result.problemCount());
        assertEquals(200, result.problems().size());
        assertEquals(202, result.problemLines().size());
        assertEquals(L + ":0: and 50 more problems (only the first 100 are kept)", result.problemLines().get(100));
        assertEquals(C + ":0: and 20 more problems (only the first 100 are kept)", result.problemLines().get(201));
    }

    // ---- what a file held --------------------------------------------------------------------------

    @Test
    void contentTellsMissingEmptyNoHeaderAndHeaderOnlyApart() throws IOException {
        assertEquals(DefinitionsFileResult.Content.MISSING, DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING).content());

        Files.writeString(dir.resolve(L), "");
        DefinitionsFileResult empty = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        assertEquals(DefinitionsFileResult.Content.EMPTY, empty.content());
        assertEquals(List.of(L + " is empty (0 bytes): no listening rows"), empty.notes());

        Files.writeString(dir.resolve(L), "# rows to come\n\n");
        DefinitionsFileResult noHeader = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        assertEquals(DefinitionsFileResult.Content.NO_HEADER, noHeader.content());
        assertEquals(List.of(L + " has no header line: no listening rows"), noHeader.notes());

        Files.writeString(dir.resolve(L), LISTENING_HEADER);
        DefinitionsFileResult headerOnly = DefinitionsLoader.loadFile(dir, DefinitionsFile.LISTENING);
        assertTrue(headerOnly.ok());
        assertEquals(DefinitionsFileResult.Content.TABLE, headerOnly.content());
        assertEquals(0, headerOnly.rows());
        assertEquals(List.of(L + " holds only its header line: no listening rows"), headerOnly.notes());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** A file of the kind with a header of every column and one good row, then one row with that value. */
    private static DefinitionsLoadResult parseOneRow(String kind, String column, String value) {
        List<String> columns = kind.equals("listening") ? DefinitionsFile.LISTENING.columns
                : DefinitionsFile.CONNECTIONS.columns;
        String good = kind.equals("listening") ? "tcp,,22,sshd,ssh,first,,critical,"
                : ",db.example.com,5432,java,db,first,,critical,,1,,";
        String row = columns.stream().map(c -> c.equals(column) ? "\"" + value + "\"" : goodValue(kind, c))
                .collect(Collectors.joining(","));
        String text = String.join(",", columns) + "\n" + good + "\n" + row + "\n";
        return kind.equals("listening") ? DefinitionsLoader.parseListening(L, new StringReader(text))
                : DefinitionsLoader.parseConnections(C, new StringReader(text));
    }

    private static String goodValue(String kind, String column) {
        switch (column) {
            case "localPort":
                return kind.equals("listening") ? "80" : "";
            case "remotePort":
                return "5433";
            case "id":
                return "second";
            default:
                return "";
        }
    }

    private static List<String> problems(DefinitionsFileResult result) {
        return result.problems().stream().map(DefinitionProblem::toString).collect(Collectors.toList());
    }

    private static List<String> problems(DefinitionsLoadResult result) {
        return result.problems().stream().map(DefinitionProblem::toString).collect(Collectors.toList());
    }

    /** Endless zeros, counting what was read. */
    private static final class CountingZeros extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            read += len;
            return len;
        }
    }
}
