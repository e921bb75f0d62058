package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.SocketEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NamespaceTables}: several namespaces read at once give what one thread reads, in the same order. */
class NamespaceTablesTest {

    private static final String TCP_HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    private final NetnsFixture fixture = new NetnsFixture();

    @TempDir
    Path proc;

    @AfterEach
    void removeNamespacesAndProcesses() throws Exception {
        fixture.close();
    }

    /** Real namespaces of the fixture, each with a listener: three helpers read what the scan thread alone reads. */
    @Test
    @Tag("netns") @Tag("root")
    void realNamespacesReadByFourThreadsGiveTheRowsOfOneInTheSameOrder() throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ports.add(fixture.listen(fixture.namespace(), "127.0.0.1", 0).port());
        }
        NetNamespaces namespaces = new NetNamespaces(Path.of("/proc"), Path.of("/run/netns"));
        List<NetNamespaces.Group> groups = namespaces.others(namespaces.own());
        assertTrue(groups.size() >= 6, "the fixture's namespaces are seen: " + groups.size());

        List<String> alone = rows(new NamespaceTables(Path.of("/proc"), 0), groups);
        List<String> together = rows(new NamespaceTables(Path.of("/proc"), 3), groups);

        assertEquals(alone, together);
        for (int port : ports) {
            String listener = String.format(Locale.ROOT, "127.0.0.1:%d LISTEN", port);
            assertTrue(together.stream().anyMatch(r -> r.contains(listener)), listener + " in " + together);
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().startsWith("portwatch-netns-read-") && t.isDaemon()),
                "a daemon helper thread named portwatch-netns-read-N read some of them");
    }

    /** Fixture tables: rows come in the groups' order, each with its group's namespace, whichever thread read it. */
    @Test
    void rowsFollowTheGroupsOrderWithTheirNamespaces() throws IOException {
        List<NetNamespaces.Group> groups = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int pid = 100 + i;
            table(pid, TCP_HEADER + line(8000 + i, 1000 + i));
            groups.add(new NetNamespaces.Group(new NetNamespace(4026532000L + i, "ns" + i, false), new int[] {pid}));
        }
        SocketRows rows = new SocketRows(16);
        new NamespaceTables(proc, 3).read(groups, rows);

        assertEquals(12, rows.size());
        for (int i = 0; i < 12; i++) {
            SocketEntry s = rows.entry(i, SocketEntry.UNKNOWN_PID);
            assertEquals("ns" + i, s.netns().name());
            assertEquals(8000 + i, s.localPort());
            assertEquals(1000 + i, s.inode());
        }
    }

    /** A malformed table of any namespace fails the read with its file and line, whichever thread met it. */
    @Test
    void aMalformedTableFailsTheReadNamingTheFile() throws IOException {
        List<NetNamespaces.Group> groups = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int pid = 200 + i;
            table(pid, TCP_HEADER + (i == 5 ? "   0: not a socket line\n" : line(9000 + i, 2000 + i)));
            groups.add(new NetNamespaces.Group(new NetNamespace(4026533000L + i, "ns" + i, false), new int[] {pid}));
        }
        IOException e = assertThrows(IOException.class, () -> new NamespaceTables(proc, 3).read(groups, new SocketRows(16)));
        assertTrue(e.getMessage().startsWith("malformed socket table " + proc.resolve("205/net/tcp") + ", line 2"),
                e.getMessage());
    }

    private static List<String> rows(NamespaceTables tables, List<NetNamespaces.Group> groups) throws IOException {
        SocketRows rows = new SocketRows(16);
        tables.read(groups, rows);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SocketEntry s = rows.entry(i, SocketEntry.UNKNOWN_PID);
            out.add(s.netns().name() + " " + s.protocol() + " " + s.localAddress().getHostAddress() + ":" + s.localPort()
                    + " " + s.state() + " " + s.inode());
        }
        return out;
    }

    private void table(int pid, String tcp) throws IOException {
        Path net = Files.createDirectories(proc.resolve(Integer.toString(pid)).resolve("net"));
        Files.writeString(net.resolve("tcp"), tcp, StandardCharsets.US_ASCII);
        Files.writeString(net.resolve("sockstat"), "TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\n", StandardCharsets.US_ASCII);
    }

    private static String line(int port, long inode) {
        return String.format(Locale.ROOT, "   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
                + "  1000        0 %d 1 0000000000000000 100 0 0 10 0\n", port, inode);
    }
}
