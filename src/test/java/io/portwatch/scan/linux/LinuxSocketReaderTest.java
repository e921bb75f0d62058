package io.portwatch.scan.linux;

import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketReader;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux source reads its own namespace over netlink when chosen and netlink opens; when it cannot open (JNA,
 * seccomp, the kernel) it reads {@code /proc/net}, says why in one log line and scans as usual; {@code ss} runs only
 * for the {@code /proc} reader.
 */
class LinuxSocketReaderTest {

    @TempDir
    Path dir;

    private static LinuxSocketSource live(SocketReader reader, LinuxSocketSource.NetlinkOpener opener) {
        return new LinuxSocketSource(Path.of("/proc"), Path.of("/etc/passwd"), Files::newDirectoryStream,
                Path.of("/run/netns"), false, true, 0, reader, opener);
    }

    private static SocketEntry ownListener(LinuxSocketSource source, int port) throws Exception {
        return source.scan().sockets().stream()
                .filter(s -> s.localPort() == port && s.state() == SocketState.LISTEN).findFirst().orElseThrow();
    }

    @Test
    void netlinkThatCannotOpenReadsProcWithOneLogLineNamingTheReasonAndScans() throws Exception {
        try (LogCapture log = new LogCapture(); ServerSocket server = new ServerSocket(0, 7, InetAddress.getLoopbackAddress())) {
            LinuxSocketSource source = live(SocketReader.NETLINK, procNet -> {
                throw new NetlinkTables.UnavailableException("socket(AF_NETLINK): EPERM", null);
            });
            assertEquals("proc", source.reader());
            assertEquals(List.of("INFO portwatch: reading sockets from /proc/net, netlink cannot be used:"
                    + " socket(AF_NETLINK): EPERM"), log.lines());
            SocketEntry listener = ownListener(source, server.getLocalPort());
            assertEquals(ProcessHandle.current().pid(), listener.pid());
            assertTrue(source.runsSs(), "the /proc fallback asks ss for backlogs, as /proc does");
            ownListener(source, server.getLocalPort()); // scans go on
            assertEquals(1, log.lines().size(), "said once, not per scan: " + log.lines());
        }
    }

    @Test
    void jnaThatCannotLoadIsAFallbackNotAFailedStart() throws Exception {
        try (LogCapture log = new LogCapture(); ServerSocket server = new ServerSocket(0, 7, InetAddress.getLoopbackAddress())) {
            LinuxSocketSource source = live(SocketReader.NETLINK, procNet -> {
                throw new NoClassDefFoundError("com/sun/jna/Native\n\tat somewhere");
            });
            assertEquals("proc", source.reader());
            assertEquals(List.of("INFO portwatch: reading sockets from /proc/net, netlink cannot be used:"
                    + " com/sun/jna/Native"), log.lines());
            assertEquals(ProcessHandle.current().pid(), ownListener(source, server.getLocalPort()).pid());
        }
    }

    @Test
    void procReaderNeverTriesNetlink() {
        AtomicInteger opened = new AtomicInteger();
        LinuxSocketSource source = live(SocketReader.PROC, procNet -> {
            opened.incrementAndGet();
            throw new NetlinkTables.UnavailableException("not to be called", null);
        });
        assertEquals(0, opened.get());
        assertEquals("proc", source.reader());
    }

    @Test
    void aProcTreeOfFilesIsNeverReadOverNetlink() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("proc"));
        AtomicInteger opened = new AtomicInteger();
        LinuxSocketSource source = new LinuxSocketSource(tree, dir.resolve("passwd"), Files::newDirectoryStream,
                dir.resolve("netns"), false, true, 0, SocketReader.NETLINK, procNet -> {
                    opened.incrementAndGet();
                    throw new NetlinkTables.UnavailableException("not to be called", null);
                });
        assertEquals(0, opened.get());
        assertEquals("proc", source.reader());
        assertFalse(source.runsSs(), "ss sees this host, not a tree");
    }

    @Test
    void ssRunsExactlyWhenTheOwnNamespaceIsReadFromProc() {
        // with the real netlink reader (once built) ss never runs; until then netlink falls back and ss does
        LinuxSocketSource source = new LinuxSocketSource(new ScanOptions(false, true, SocketReader.NETLINK));
        try {
            assertEquals(source.reader().equals("proc"), source.runsSs(), "reader " + source.reader());
        } finally {
            source.close();
        }
        assertTrue(new LinuxSocketSource(new ScanOptions(false, true, SocketReader.PROC)).runsSs());
    }

    @Test
    void theLinuxSourceWithNetlinkChosenAlwaysStartsAndSaysWhatItReads() throws Exception {
        SocketSource source = SocketSources.create("auto", "Linux", new ScanOptions(false, true, SocketReader.NETLINK));
        try {
            assertEquals("linux", source.name());
            assertTrue(List.of("netlink", "proc").contains(source.reader()), source.reader());
            assertFalse(source.scan().sockets().isEmpty());
        } finally {
            source.close();
        }
    }

    @Test
    void afterCloseTheSourceReadsProc() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 7, InetAddress.getLoopbackAddress())) {
            LinuxSocketSource source = new LinuxSocketSource(new ScanOptions(false, true, SocketReader.NETLINK));
            source.close();
            assertEquals("proc", source.reader());
            assertEquals(ProcessHandle.current().pid(), ownListener(source, server.getLocalPort()).pid());
        }
    }
}
