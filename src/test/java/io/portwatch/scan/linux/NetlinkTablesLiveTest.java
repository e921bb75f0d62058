package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@link NetlinkTables} against the {@code /proc/net} tables ({@link TableReader}) of the same live sockets, in the own
 * namespace: 10k loopback connections over IPv4 and IPv6 whose accepting side belongs to another user ({@code nobody},
 * a Python child run through {@code setpriv}), listeners, UDP bound and connected, CLOSE_WAIT, TIME_WAIT and
 * FIN_WAIT2 with and without owner, a {@code listen(1)} listener with connections it never accepts. Every socket the
 * test made, with its state, addresses, ports, uid, inode and queues, is the same in both; a listener's send queue is
 * its backlog over netlink, which {@code /proc} does not have.
 */
@Tag("root")
class NetlinkTablesLiveTest {

    /** Connections per family: 2 x 5000 = 10k, 20k sockets with both ends, within the 20000 fds of the test JVM. */
    private static final int CONNECTIONS_PER_FAMILY = 5000;
    /** Generous: the sockets are idle once made; a queue in flux between the two reads settles within it. */
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int NOBODY = 65534;
    private static final String PEER = String.join("\n",
            "import selectors, socket, sys",
            "s4 = socket.socket(socket.AF_INET); s4.bind(('127.0.0.1', 0)); s4.listen(4096)",
            "s6 = socket.socket(socket.AF_INET6); s6.bind(('::1', 0)); s6.listen(4096)",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))",
            "print(s4.getsockname()[1], s6.getsockname()[1], u.getsockname()[1], flush=True)",
            "sel = selectors.DefaultSelector()",
            "for f in (s4, s6, sys.stdin): sel.register(f, selectors.EVENT_READ)",
            "held = []",
            "while True:",
            "    for key, _ in sel.select():",
            "        if key.fileobj is sys.stdin:",
            "            if not sys.stdin.readline(): sys.exit(0)",
            "            print(len(held), flush=True)",
            "        else:",
            "            held.append(key.fileobj.accept()[0])",
            "");

    private final List<Closeable> open = new ArrayList<>();
    private final Set<Integer> ports = new HashSet<>();
    private Process peer;

    @AfterEach
    void closeEverything() throws Exception {
        for (Closeable c : open) {
            try {
                c.close();
            } catch (IOException e) {
                // closing the rest matters more
            }
        }
        if (peer != null) {
            peer.getOutputStream().close();
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
    }

    @Test
    void netlinkSeesEverySocketAsTheProcTablesDo() throws Exception {
        assertEquals(0, (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid"), "this test runs as root");
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");

        // the other user's side: listeners and a UDP socket of nobody, accepting every connection and holding it
        peer = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
                "/usr/bin/python3", "-I", "-c", PEER).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader peerOut = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        Writer peerIn = new OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8);
        String[] peerPorts = String.valueOf(peerOut.readLine()).split(" ");
        assertEquals(3, peerPorts.length, "the ports of the peer as nobody");
        int peer4 = Integer.parseInt(peerPorts[0]);
        int peer6 = Integer.parseInt(peerPorts[1]);
        ports.add(peer4);
        ports.add(peer6);
        ports.add(Integer.parseInt(peerPorts[2]));

        for (int i = 0; i < CONNECTIONS_PER_FAMILY; i++) {
            connect(StandardProtocolFamily.INET, new InetSocketAddress(v4, peer4));
            connect(StandardProtocolFamily.INET6, new InetSocketAddress(v6, peer6));
        }
        Poll.until(SETTLE, "the peer accepts all " + 2 * CONNECTIONS_PER_FAMILY + " connections", () -> {
            peerIn.write("count\n");
            peerIn.flush();
            return Integer.parseInt(peerOut.readLine()) == 2 * CONNECTIONS_PER_FAMILY;
        });

        // listen(1) with two connections it never accepts: accept queue 2, backlog 1 (dual stack: ::ffff:127.0.0.1)
        ServerSocket notAccepting = keep(new ServerSocket(0, 1, v4));
        ports.add(notAccepting.getLocalPort());
        keep(new Socket(v4, notAccepting.getLocalPort()));
        keep(new Socket(v4, notAccepting.getLocalPort()));

        for (ProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            InetAddress address = family == StandardProtocolFamily.INET ? v4 : v6;
            ServerSocketChannel server = keep(ServerSocketChannel.open(family).bind(new InetSocketAddress(address, 0), 50));
            ports.add(((InetSocketAddress) server.getLocalAddress()).getPort());
            // CLOSE_WAIT (the client) and an orphaned FIN_WAIT2 (the accepted side, closed)
            SocketChannel closeWait = connect(family, server.getLocalAddress());
            server.accept().close();
            // FIN_WAIT2 with an owner (the client shut its output) and CLOSE_WAIT on the accepted side
            SocketChannel finWait2 = connect(family, server.getLocalAddress());
            keep(server.accept());
            finWait2.shutdownOutput();
            // TIME_WAIT: the client closes first, then the accepted side
            SocketChannel timeWait = SocketChannel.open(family);
            timeWait.connect(server.getLocalAddress());
            SocketChannel accepted = server.accept();
            timeWait.close();
            Poll.until(SETTLE, "the FIN of the client reaches the accepted side",
                    () -> accepted.read(ByteBuffer.allocate(1)) == -1);
            accepted.close();
            // an ESTABLISHED connection with bytes the other side has not read
            SocketChannel writer = connect(family, server.getLocalAddress());
            keep(server.accept());
            writer.write(ByteBuffer.wrap(new byte[1234]));
            // UDP: bound, and connected to it with a datagram it has not read
            DatagramChannel bound = keep(DatagramChannel.open(family).bind(new InetSocketAddress(address, 0)));
            DatagramChannel connected = keep(DatagramChannel.open(family).bind(new InetSocketAddress(address, 0)));
            connected.connect(bound.getLocalAddress());
            connected.write(ByteBuffer.wrap(new byte[100]));
            ports.add(((InetSocketAddress) bound.getLocalAddress()).getPort());
            assertTrue(closeWait.isOpen());
        }

        List<Map<String, SocketEntry>> last = new ArrayList<>(List.of(Map.of(), Map.of()));
        try (NetlinkTables netlink = NetlinkTables.open(Path.of("/proc/net"))) {
            Poll.until(SETTLE, () -> difference(last.get(0), last.get(1)), () -> {
                last.set(0, ours(readNetlink(netlink)));
                last.set(1, ours(readProc()));
                return last.get(0).keySet().equals(last.get(1).keySet());
            });
        }
        Map<String, SocketEntry> netlinkRows = last.get(0);
        assertTrue(netlinkRows.size() >= 4 * CONNECTIONS_PER_FAMILY, "both ends of every connection: " + netlinkRows.size());
        Set<SocketState> states = new TreeSet<>();
        int ofNobody = 0;
        for (SocketEntry e : netlinkRows.values()) {
            states.add(e.state());
            ofNobody += e.uid() == NOBODY ? 1 : 0;
        }
        assertTrue(ofNobody >= 2 * CONNECTIONS_PER_FAMILY, "the accepted side is nobody's: " + ofNobody);
        for (SocketState s : List.of(SocketState.LISTEN, SocketState.ESTABLISHED, SocketState.CLOSE_WAIT,
                SocketState.FIN_WAIT2, SocketState.TIME_WAIT, SocketState.UNCONN)) {
            assertTrue(states.contains(s), s + " in " + states);
        }

        SocketEntry listener = listener(netlinkRows, notAccepting.getLocalPort());
        assertEquals(2, listener.receiveQueue(), "two connections in the accept queue");
        assertEquals(1, listener.sendQueue(), "the backlog of listen(1)");
        assertEquals(InetAddress.getByName("127.0.0.1"), listener.localAddress());
    }

    private SocketChannel connect(ProtocolFamily family, java.net.SocketAddress to) throws IOException {
        SocketChannel c = keep(SocketChannel.open(family));
        c.connect(to);
        return c;
    }

    private <T extends Closeable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static List<SocketEntry> readNetlink(NetlinkTables netlink) throws IOException {
        SocketRows rows = new SocketRows(30_000);
        netlink.read(rows, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        return entries(rows);
    }

    private static List<SocketEntry> readProc() throws IOException {
        SocketRows rows = new SocketRows(30_000);
        new TableReader(Path.of("/proc")).read(Path.of("/proc/net"), rows);
        return entries(rows);
    }

    private static List<SocketEntry> entries(SocketRows rows) {
        List<SocketEntry> entries = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            entries.add(rows.entry(i, SocketEntry.UNKNOWN_PID));
        }
        return entries;
    }

    /** The test's sockets by everything the two sources share (a listener's send queue is netlink's only). */
    private Map<String, SocketEntry> ours(List<SocketEntry> entries) {
        Map<String, SocketEntry> ours = new HashMap<>();
        for (SocketEntry e : entries) {
            if (ports.contains(e.localPort()) || ports.contains(e.remotePort())) {
                boolean listener = e.protocol() == Protocol.TCP && e.state() == SocketState.LISTEN;
                String key = e.protocol() + " " + e.localAddress().getHostAddress() + " " + e.localPort() + " "
                        + e.remoteAddress().getHostAddress() + " " + e.remotePort() + " " + e.state() + " uid " + e.uid()
                        + " inode " + e.inode() + " q " + e.receiveQueue() + "/" + (listener ? "-" : e.sendQueue());
                ours.put(key, e);
            }
        }
        return ours;
    }

    private static SocketEntry listener(Map<String, SocketEntry> rows, int port) {
        for (SocketEntry e : rows.values()) {
            if (e.localPort() == port && e.state() == SocketState.LISTEN) {
                return e;
            }
        }
        throw new AssertionError("no listener on port " + port);
    }

    private static String difference(Map<String, SocketEntry> netlink, Map<String, SocketEntry> proc) {
        Set<String> onlyNetlink = new TreeSet<>(netlink.keySet());
        onlyNetlink.removeAll(proc.keySet());
        Set<String> onlyProc = new TreeSet<>(proc.keySet());
        onlyProc.removeAll(netlink.keySet());
        return "the test's sockets over netlink and in /proc/net differ: " + onlyNetlink.size() + " only over netlink "
                + first(onlyNetlink) + ", " + onlyProc.size() + " only in /proc " + first(onlyProc);
    }

    private static List<String> first(Set<String> set) {
        List<String> out = new ArrayList<>();
        for (String s : set) {
            if (out.size() == 10) {
                break;
            }
            out.add(s);
        }
        return out;
    }
}
