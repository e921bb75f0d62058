package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SockStat}: when a namespace's TCP tables may be skipped, on files laid out as the kernel writes them. */
class SockStatTest {

    @TempDir
    Path net;

    // captured on the development VM (Linux 6.18): cat /proc/net/sockstat /proc/net/sockstat6 in a fresh `ip netns add`
    private static final String EMPTY = "sockets: used 0\nTCP: inuse 0 orphan 0 tw 0 alloc 1 mem 0\nUDP: inuse 0 mem 0\n"
            + "UDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n";
    private static final String EMPTY6 = "TCP6: inuse 0\nUDP6: inuse 0\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n";

    @Test
    void emptyNamespaceNeedsNoTcpTable() throws IOException {
        write(EMPTY, EMPTY6);
        SockStat s = SockStat.read(net);
        assertFalse(s.mayHoldTcp());
        assertFalse(s.mayHoldTcp6());
    }

    @Test
    void ipv4SocketsNeedOnlyTheTcpTable() throws IOException {
        write(EMPTY.replace("TCP: inuse 0", "TCP: inuse 401"), EMPTY6);
        SockStat s = SockStat.read(net);
        assertTrue(s.mayHoldTcp());
        assertFalse(s.mayHoldTcp6());
    }

    @Test
    void timeWaitOfEitherFamilyNeedsBothTables() throws IOException {
        write(EMPTY.replace("tw 0", "tw 3"), EMPTY6);
        SockStat s = SockStat.read(net);
        assertTrue(s.mayHoldTcp());
        assertTrue(s.mayHoldTcp6());
    }

    @Test
    void ipv6SocketsNeedTheTcp6Table() throws IOException {
        write(EMPTY, EMPTY6.replace("TCP6: inuse 0", "TCP6: inuse 2"));
        assertTrue(SockStat.read(net).mayHoldTcp6());
        assertFalse(SockStat.read(net).mayHoldTcp());
    }

    @Test
    void missingOrUnreadableCountersMeanReadTheTables() throws IOException {
        SockStat none = SockStat.read(net);
        assertTrue(none.mayHoldTcp());
        assertTrue(none.mayHoldTcp6());
        write("TCP: inuse x orphan 0 tw 0\n", "TCP6: nothing\n");
        assertTrue(SockStat.read(net).mayHoldTcp());
        assertTrue(SockStat.read(net).mayHoldTcp6());
        assertEquals(-1, SockStat.field("TCP: inuse -5", "TCP:", "inuse"));
    }

    private void write(String v4, String v6) throws IOException {
        Files.writeString(net.resolve("sockstat"), v4);
        Files.writeString(net.resolve("sockstat6"), v6);
    }
}
