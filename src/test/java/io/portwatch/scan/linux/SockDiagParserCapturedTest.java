package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * {@link SockDiagParser} on answers captured from a kernel (x86-64, little-endian) by {@link SockDiagCapture}, with
 * the {@code /proc/net} tables read at the same moment: see {@code src/test/resources/netlink/README.md}.
 */
class SockDiagParserCapturedTest {

    private static final ByteOrder CAPTURED_ORDER = ByteOrder.LITTLE_ENDIAN;

    @Test
    void theSocketsTheCaptureOpenedAreTheRowsTheProcTablesHave() throws Exception {
        Set<Integer> ports = ports();
        for (SockDiagDump dump : SockDiagDump.values()) {
            List<SocketEntry> netlink = ours(netlink(dump), ports);
            List<SocketEntry> proc = ours(proc(dump), ports);
            assertTrue(netlink.size() >= 2, dump.label() + ": " + netlink);
            assertEquals(withoutListenerSendQueue(proc), withoutListenerSendQueue(netlink), dump.label());
        }
    }

    @Test
    void aListenerHasItsAcceptQueueAndBacklog() throws Exception {
        int port = port("tcp4.listener");
        SocketEntry listener = find(netlink(SockDiagDump.TCP_IPV4), port, 0);
        assertEquals(SocketState.LISTEN, listener.state());
        assertEquals(InetAddress.getByName("127.0.0.1"), listener.localAddress());
        assertEquals(1, listener.receiveQueue(), "one connection waiting in its accept queue");
        assertEquals(7, listener.sendQueue(), "its backlog, ServerSocketChannel.bind(address, 7)");
        assertEquals(0, listener.uid());
        assertTrue(listener.inode() > 0);

        SocketEntry notAccepted = find(netlink(SockDiagDump.TCP_IPV4), port, port("tcp4.waitingClient"));
        assertEquals(SocketState.ESTABLISHED, notAccepted.state());
        assertEquals(0, notAccepted.inode(), "a connection not yet accepted has no file, so no inode");
    }

    @Test
    void unreadBytesAreTheReceiveQueueAndIpv6AddressesAreKept() throws Exception {
        SocketEntry accepted = find(netlink(SockDiagDump.TCP_IPV6), port("tcp6.listener"), port("tcp6.client"));
        assertEquals(SocketState.ESTABLISHED, accepted.state());
        assertEquals(5, accepted.receiveQueue());
        assertEquals(InetAddress.getByName("::1"), accepted.localAddress());
        assertEquals(InetAddress.getByName("::1"), accepted.remoteAddress());
    }

    @Test
    void anIpv4MappedAddressOfAnIpv6SocketIsItsIpv4Address() throws Exception {
        SocketEntry mapped = find(netlink(SockDiagDump.TCP_IPV6), port("tcp6.mappedListener"), 0);
        assertTrue(mapped.localAddress() instanceof Inet4Address, mapped.toString());
        assertEquals(InetAddress.getByName("127.0.0.1"), mapped.localAddress());
    }

    @Test
    void udpSocketsBoundAndConnected() throws Exception {
        SocketEntry bound = find(netlink(SockDiagDump.UDP_IPV4), port("udp4.bound"), 0);
        assertEquals(SocketState.UNCONN, bound.state());
        assertEquals(Protocol.UDP, bound.protocol());
        assertTrue(bound.receiveQueue() > 0, "a datagram not read: " + bound);

        SocketEntry connected = find(netlink(SockDiagDump.UDP_IPV6), port("udp6.connected"), port("udp6.bound"));
        assertEquals(SocketState.ESTABLISHED, connected.state());
        assertEquals(InetAddress.getByName("::1"), connected.remoteAddress());
    }

    @Test
    void aProtocolWithoutHandlerIsAnsweredWithAnErrorNotAnEmptyTable() throws Exception {
        byte[] datagram = SockDiagCapture.resource("error-no-handler.0.bin");
        assertNotNull(datagram);
        SockDiagParser parser = new SockDiagParser(CAPTURED_ORDER);
        parser.begin(SockDiagDump.UDP_IPV4);
        SockDiagException e = assertThrows(SockDiagException.class,
                () -> parser.parse(ByteBuffer.wrap(datagram), datagram.length, new SocketRows(1)));
        assertEquals("sock_diag dump of udp/ipv4: ENOENT (errno 2)", e.getMessage());
        assertTrue(e.protocolUnsupported());
    }

    /** Every row of the captured answer to {@code dump}, its datagrams parsed in order up to NLMSG_DONE. */
    static List<SocketEntry> netlink(SockDiagDump dump) throws IOException {
        SockDiagParser parser = new SockDiagParser(CAPTURED_ORDER);
        parser.begin(dump);
        SocketRows rows = new SocketRows(16);
        for (int i = 0; ; i++) {
            byte[] datagram = SockDiagCapture.resource(SockDiagCapture.name(dump) + "." + i + ".bin");
            assertNotNull(datagram, dump.label() + ": no NLMSG_DONE in " + i + " datagrams");
            if (parser.parse(ByteBuffer.wrap(datagram), datagram.length, rows)) {
                break;
            }
        }
        return entries(rows);
    }

    private static List<SocketEntry> proc(SockDiagDump dump) throws IOException {
        SocketRows rows = new SocketRows(16);
        new ProcNetParser(CAPTURED_ORDER).parse(dump.protocol(),
                new ByteArrayInputStream(SockDiagCapture.resource("proc-net-" + dump.procTable())), rows);
        return entries(rows);
    }

    private static List<SocketEntry> entries(SocketRows rows) {
        List<SocketEntry> entries = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            entries.add(rows.entry(i, SocketEntry.UNKNOWN_PID));
        }
        return entries;
    }

    private static List<SocketEntry> ours(List<SocketEntry> entries, Set<Integer> ports) {
        List<SocketEntry> ours = new ArrayList<>();
        for (SocketEntry e : entries) {
            if (ports.contains(e.localPort()) || ports.contains(e.remotePort())) {
                ours.add(e);
            }
        }
        return ours;
    }

    /** The rows as a set, a listener's send queue left out: the /proc tables do not have its backlog. */
    private static Set<String> withoutListenerSendQueue(List<SocketEntry> entries) {
        Set<String> set = new HashSet<>();
        for (SocketEntry e : entries) {
            set.add(e.protocol() + " " + e.localAddress().getHostAddress() + ":" + e.localPort() + " "
                    + e.remoteAddress().getHostAddress() + ":" + e.remotePort() + " " + e.state() + " uid " + e.uid()
                    + " inode " + e.inode() + " q " + e.receiveQueue() + "/"
                    + (e.state() == SocketState.LISTEN ? "-" : Integer.toString(e.sendQueue())));
        }
        return set;
    }

    private static SocketEntry find(List<SocketEntry> entries, int localPort, int remotePort) {
        for (SocketEntry e : entries) {
            if (e.localPort() == localPort && e.remotePort() == remotePort) {
                return e;
            }
        }
        throw new AssertionError("no socket " + localPort + " -> " + remotePort + " in " + entries);
    }

    private static Properties manifest() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(SockDiagCapture.resource("sockets.properties"), StandardCharsets.ISO_8859_1)));
        return p;
    }

    private static int port(String key) throws IOException {
        return Integer.parseInt(manifest().getProperty(key));
    }

    private static Set<Integer> ports() throws IOException {
        Set<Integer> ports = new HashSet<>();
        for (String v : manifest().stringPropertyNames()) {
            ports.add(Integer.parseInt(manifest().getProperty(v)));
        }
        return ports;
    }
}
