package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LinuxSocketSource} on a small {@code /proc}-like tree built in a temporary directory: socket
 * tables, pid directories with {@code fd/} links to {@code socket:[INODE]}, {@code comm}, {@code exe},
 * {@code status}, {@code cmdline}, {@code stat}, and {@code /proc/stat} with {@code btime}.
 */
class LinuxSocketSourceFakeProcTest {

    private static final String TCP_HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private static final String TCP6_HEADER = "  sl  local_address                         remote_address"
            + "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private static final long BOOT_TIME = 1_700_000_000L;

    @TempDir
    Path proc;
    @TempDir
    Path etc;
    private Path passwd;

    @BeforeEach
    void buildTree() throws IOException {
        passwd = write(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n"
                + "# a comment line\n"
                + "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
                + "broken line without colons\n"
                + "www-again:x:33:33:duplicate uid, the first one wins:/:/bin/false\n");
        write(proc.resolve("stat"), "cpu  1 2 3 4\nintr 5\nctxt 6\nbtime " + BOOT_TIME + "\nprocesses 7\n");
        write(proc.resolve("net/tcp"), TCP_HEADER
                + line("0100007F:1F90", "00000000:0000", "0A", 33, 101) // 127.0.0.1:8080 LISTEN, pids 100 and 300
                + line("0100007F:1F90", "0100007F:C350", "01", 33, 102) // accepted, pid 200
                + line("0100007F:C352", "0100007F:1F90", "06", 0, 0)    // TIME_WAIT: no inode
                + line("00000000:0016", "00000000:0000", "0A", 0, 103)  // sshd, fd dir unreadable
                + line("00000000:0019", "00000000:0000", "0A", 0, 104)  // nobody visible holds it
                + line("00000000:0050", "00000000:0000", "0A", 0, 105)  // pid 600 exits before it is read
                + line("00000000:01BB", "00000000:0000", "0A", 0, 106)); // pid 500, fd dir vanished
        write(proc.resolve("net/tcp6"), TCP6_HEADER
                + line("0000000000000000FFFF00000100007F:1F91", "0000000000000000FFFF00000100007F:C351", "01", 4242, 107)
                + line("00000000000000000000000001000000:0035", "00000000000000000000000000000000:0000", "0A", 4242, 108));
        // no net/udp, net/udp6: a kernel without them has no such sockets

        process(100, "nginx\n", "/usr/sbin/nginx", 33, "nginx: master process\0-g\0daemon off;\0", "(nginx)", 12345,
                "socket:[101]", "/var/log/app.log (deleted)", "pipe:[77]", "anon_inode:[eventfd]", "socket:[9999]");
        process(300, "nginx\n", "/usr/sbin/nginx", 33, "nginx: worker process\0", "(nginx)", 12400, "socket:[101]");
        process(200, "my (odd) name\n", "/opt/app/bin/app (deleted)", 4242, "/opt/app/bin/app\0--port\08080\0",
                "(my (odd) name)", 200, "socket:[102]", "socket:[107]", "socket:[108]");
        process(400, "sshd\n", "/usr/sbin/sshd", 0, "sshd: /usr/sbin/sshd -D\0", "(sshd)", 10, "socket:[103]");
        process(600, "gone\n", "/usr/bin/gone", 0, "gone\0", "(gone)", 10, "socket:[105]");
        for (String file : new String[] {"comm", "exe", "status", "cmdline", "stat"}) {
            Files.delete(proc.resolve("600").resolve(file)); // exited between the fd walk and reading it
        }
        Files.createDirectories(proc.resolve("500")); // exited: its fd directory is already gone
        Files.createDirectories(proc.resolve("sys"));
        Files.createSymbolicLink(proc.resolve("self"), proc.resolve("100"));
    }

    @Test
    void socketsAreAttributedToTheProcessesHoldingTheirInodes() throws IOException {
        Snapshot snapshot = sourceDenying(400).scan();

        assertEquals(100, socket(snapshot, 8080, 0).pid());
        assertEquals(200, socket(snapshot, 8080, 50000).pid());
        assertEquals(200, socket(snapshot, 8081, 50001).pid());
        assertEquals(200, socket(snapshot, 53, 0).pid());
    }

    @Test
    void socketSharedAfterForkGoesToTheLowestPid() throws IOException {
        Snapshot snapshot = sourceDenying(400).scan();

        assertEquals(100, socket(snapshot, 8080, 0).pid());
        assertFalse(snapshot.processes().containsKey(300), "pid 300 owns no socket of its own");
    }

    @Test
    void timeWaitSocketHasNoOwner() throws IOException {
        SocketEntry timeWait = socket(sourceDenying(400).scan(), 50002, 8080);

        assertEquals(SocketState.TIME_WAIT, timeWait.state());
        assertEquals(SocketEntry.UNKNOWN_PID, timeWait.pid());
    }

    @Test
    void socketNoVisibleProcessHoldsHasNoOwner() throws IOException {
        assertEquals(SocketEntry.UNKNOWN_PID, socket(sourceDenying(400).scan(), 25, 0).pid());
    }

    @Test
    void unreadableFdDirectoryLeavesItsSocketsWithoutOwner() throws IOException {
        Snapshot snapshot = sourceDenying(400).scan();

        assertEquals(SocketEntry.UNKNOWN_PID, socket(snapshot, 22, 0).pid());
        assertFalse(snapshot.processes().containsKey(400));
    }

    @Test
    void processWhoseFdDirectoryVanishedIsSkippedSilently() throws IOException {
        Snapshot snapshot = sourceDenying(400).scan();

        assertEquals(SocketEntry.UNKNOWN_PID, socket(snapshot, 443, 0).pid());
        assertFalse(snapshot.processes().containsKey(500));
    }

    @Test
    void processExitingBeforeItIsReadLeavesItsSocketsWithoutOwner() throws IOException {
        Snapshot snapshot = sourceDenying(400).scan();

        assertEquals(SocketEntry.UNKNOWN_PID, socket(snapshot, 80, 0).pid());
        assertFalse(snapshot.processes().containsKey(600));
    }

    @Test
    void onlyProcessesOwningASocketAreInTheSnapshot() throws IOException {
        assertEquals(Set.of(100, 200), sourceDenying(400).scan().processes().keySet());
    }

    @Test
    void processInfoComesFromCommExeStatusCmdlineAndStat() throws IOException {
        Map<Integer, ProcessInfo> processes = sourceDenying(400).scan().processes();

        assertEquals(new ProcessInfo(100, "nginx", "nginx", "www-data", "/usr/sbin/nginx",
                "nginx: master process -g daemon off;", Instant.ofEpochSecond(BOOT_TIME + 123, 450_000_000)),
                processes.get(100));
    }

    @Test
    void deletedExecutableLosesTheDeletedSuffixAndUnknownUidIsShownAsNumber() throws IOException {
        ProcessInfo app = sourceDenying(400).scan().processes().get(200);

        assertEquals(new ProcessInfo(200, "my (odd) name", "app", "4242", "/opt/app/bin/app",
                "/opt/app/bin/app --port 8080", Instant.ofEpochSecond(BOOT_TIME + 2)), app);
    }

    @Test
    void unreadableExeLinkAndMissingBootTimeLeaveThoseFieldsEmpty() throws IOException {
        Files.delete(proc.resolve("100/exe"));
        write(proc.resolve("stat"), "cpu  1 2 3 4\n");

        ProcessInfo nginx = sourceDenying(400).scan().processes().get(100);

        assertEquals("", nginx.exePath());
        assertEquals("", nginx.exeName());
        assertNull(nginx.startedAt());
        assertEquals("www-data", nginx.user());
    }

    @Test
    void missingPasswdFileShowsUsersByNumber() throws IOException {
        ProcessInfo nginx = new LinuxSocketSource(proc, etc.resolve("absent"), denying(proc.resolve("400/fd"))).scan().processes().get(100);

        assertEquals("33", nginx.user());
    }

    @Test
    void ipv4MappedSocketsOfTcp6AreStoredInIPv4Form() throws IOException {
        SocketEntry mapped = socket(sourceDenying(400).scan(), 8081, 50001);

        assertEquals(Addresses.parseLiteral("127.0.0.1"), mapped.localAddress());
        assertEquals(4242, mapped.uid());
        assertEquals(107, mapped.inode());
    }

    @Test
    void snapshotHoldsEverySocketLineOfEveryTableThatExists() throws IOException {
        Instant before = Instant.now();
        Snapshot snapshot = sourceDenying(400).scan();

        assertEquals(9, snapshot.sockets().size());
        assertTrue(snapshot.sockets().stream().allMatch(s -> s.protocol() == Protocol.TCP));
        assertFalse(snapshot.takenAt().isBefore(before));
        assertFalse(snapshot.duration().isNegative());
    }

    @Test
    void missingTcpTableIsAnErrorNamingTheFile() throws IOException {
        Files.delete(proc.resolve("net/tcp"));

        IOException e = assertThrows(IOException.class, () -> new LinuxSocketSource(proc, passwd).scan());

        assertEquals("cannot read socket table " + proc.resolve("net/tcp") + ": no such file", e.getMessage());
    }

    @Test
    void unreadableTcpTableIsAnErrorNamingTheFile() throws IOException {
        Files.delete(proc.resolve("net/tcp"));
        Files.createDirectories(proc.resolve("net/tcp")); // reading a directory fails even for root

        IOException e = assertThrows(IOException.class, () -> new LinuxSocketSource(proc, passwd).scan());

        assertEquals("cannot read socket table " + proc.resolve("net/tcp") + ": Is a directory", e.getMessage());
    }

    @Test
    void malformedTableLineIsAnErrorNamingFileAndLine() throws IOException {
        write(proc.resolve("net/udp"), "header\n" + line("0100007F:0035", "00000000:0000", "07", 0, 1)
                + "   1: 0100007F:0035 00000000:0000\n");

        IOException e = assertThrows(IOException.class, () -> new LinuxSocketSource(proc, passwd).scan());

        assertEquals("malformed socket table " + proc.resolve("net/udp") + ", line 3: st: expecting a column, found"
                + " the end of the line \"   1: 0100007F:0035 00000000:0000\"", e.getMessage());
    }

    @Test
    void pidReusedByANewProcessWithTheSameFdNumbersIsReadAgain() throws IOException {
        LinuxSocketSource source = sourceDenying(400);
        assertEquals(200, socket(source.scan(), 8080, 50000).pid());

        // pid 200 exits; a new process gets pid 200 and holds two of its sockets at the same fd numbers
        // (inherited from it); socket 102 is left to a process nobody may look into
        Path fd = proc.resolve("200/fd");
        for (String n : new String[] {"0", "1", "2"}) {
            Files.delete(fd.resolve(n));
        }
        Files.createSymbolicLink(fd.resolve("0"), Path.of("pipe:[78]"));
        Files.createSymbolicLink(fd.resolve("1"), Path.of("socket:[107]"));
        Files.createSymbolicLink(fd.resolve("2"), Path.of("socket:[108]"));
        write(proc.resolve("200/stat"), "200 (app) S 1 200 200 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 99999 1000000 100"
                + " 18446744073709551615 1 1 0 0 0 0\n");
        Snapshot snapshot = source.scan();

        assertEquals(SocketEntry.UNKNOWN_PID, socket(snapshot, 8080, 50000).pid(), "not the old process's socket");
        assertEquals(200, socket(snapshot, 8081, 50001).pid());
        assertEquals(Instant.ofEpochSecond(BOOT_TIME + 999, 990_000_000), snapshot.processes().get(200).startedAt());
    }

    @Test
    void socketsOfAnUnchangedTreeKeepTheirOwnersScanAfterScan() throws IOException {
        LinuxSocketSource source = sourceDenying(400);
        Snapshot first = source.scan();

        for (int i = 0; i < SocketOwners.REFRESH_SCANS + 2; i++) {
            assertEquals(first.sockets(), source.scan().sockets(), "scan " + (i + 2));
        }
    }

    @Test
    void nameIsLinux() {
        assertEquals("linux", new LinuxSocketSource().name());
    }

    // ---------------------------------------------------------------- helpers

    /** A source on the fake tree whose {@code fd} directory of {@code pid} cannot be listed, as for a non-root user. */
    private LinuxSocketSource sourceDenying(int pid) {
        return new LinuxSocketSource(proc, passwd, denying(proc.resolve(pid + "/fd")));
    }

    /** Lists directories as the JDK does, except {@code denied}: what a non-root user meets on another user's fd dir. */
    private static SocketOwners.DirectoryOpener denying(Path denied) {
        return dir -> {
            if (dir.equals(denied)) {
                throw new AccessDeniedException(dir.toString());
            }
            return Files.newDirectoryStream(dir);
        };
    }

    private static SocketEntry socket(Snapshot snapshot, int localPort, int remotePort) {
        return snapshot.sockets().stream()
                .filter(s -> s.localPort() == localPort && s.remotePort() == remotePort)
                .reduce((a, b) -> {
                    throw new AssertionError("two sockets " + a + " and " + b);
                })
                .orElseThrow(() -> new AssertionError("no socket " + localPort + " -> " + remotePort + " in "
                        + snapshot.sockets()));
    }

    private void process(int pid, String comm, String exe, int uid, String cmdline, String statName, long startTicks,
                         String... fdTargets) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        write(dir.resolve("comm"), comm);
        Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
        write(dir.resolve("status"), "Name:\t" + comm.trim() + "\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t" + pid
                + "\nPid:\t" + pid + "\nPPid:\t1\nUid:\t" + uid + "\t" + (uid + 1) + "\t" + uid + "\t" + uid
                + "\nGid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
        write(dir.resolve("cmdline"), cmdline);
        // fields 1..21, then starttime (22), then a few more
        write(dir.resolve("stat"), pid + " " + statName + " S 1 " + pid + " " + pid + " 0 -1 4194560 1 0 0 0 0 0 0 0"
                + " 20 0 1 0 " + startTicks + " 1000000 100 18446744073709551615 1 1 0 0 0 0\n");
        Path fd = Files.createDirectories(dir.resolve("fd"));
        for (int i = 0; i < fdTargets.length; i++) {
            Files.createSymbolicLink(fd.resolve(Integer.toString(i)), Path.of(fdTargets[i]));
        }
    }

    private static String line(String local, String remote, String st, int uid, long inode) {
        return "   0: " + local + " " + remote + " " + st + " 00000000:00000000 00:00000000 00000000 " + uid
                + "        0 " + inode + " 1 0000000000000000 100 0 0 10 0\n";
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
