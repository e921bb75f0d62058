package io.portwatch.scan.linux;

import io.portwatch.testing.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link LinuxSocketSource} on this host's real {@code /proc}, with sockets this JVM opens on port 0. */
@EnabledOnOs(OS.LINUX)
class LinuxSocketSourceTest {

    private static final int PID = (int) ProcessHandle.current().pid();
    private static final InetAddress LOOPBACK4 = Addresses.parseLiteral("127.0.0.1");
    private static final InetAddress LOOPBACK6 = Addresses.parseLiteral("::1");

    private final LinuxSocketSource source = newSource();

    /** The source under test: every namespace (the default); {@code namespaces=own} in the subclass. */
    LinuxSocketSource newSource() {
        return new LinuxSocketSource();
    }

    @Test
    void listenerOnLoopbackIsFoundWithThisJvmAsOwner() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK4)) {
            Snapshot snapshot = source.scan();
            SocketEntry listener = only(snapshot, s -> s.protocol() == Protocol.TCP
                    && s.localPort() == server.getLocalPort() && s.state() == SocketState.LISTEN);

            assertEquals(LOOPBACK4, listener.localAddress());
            assertEquals(PID, listener.pid());
            assertTrue(listener.inode() > 0);
            ProcessInfo me = snapshot.owner(listener).orElseThrow();
            assertEquals(PID, me.pid());
            assertEquals("java", me.name());
            assertEquals("java", me.exeName());
            assertTrue(me.exePath().endsWith("/java"), me.exePath());
            assertEquals(System.getProperty("user.name"), me.user());
            assertFalse(me.commandLine().isEmpty());
            assertTrue(me.commandLine().contains("java"), me.commandLine());
        }
    }

    /**
     * How far two readings of one start time may differ: a precision tolerance, not a timing window. Both come from
     * the same stat field (clock ticks since boot) but are turned into instants against boot times of different
     * precision (btime is whole seconds), so they may differ by a little more than one second however loaded the
     * machine is.
     */
    private static final Duration START_TIME_PRECISION = Duration.ofMillis(1500);

    @Test
    void startTimeOfThisJvmMatchesWhatTheJdkSays() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK4)) {
            Snapshot snapshot = source.scan();
            SocketEntry listener = only(snapshot, s -> s.localPort() == server.getLocalPort() && s.state() == SocketState.LISTEN);
            Instant startedAt = snapshot.owner(listener).orElseThrow().startedAt();
            Instant jdk = ProcessHandle.current().info().startInstant().orElseThrow();

            assertNotNull(startedAt);
            assertTrue(Duration.between(jdk, startedAt).abs().compareTo(START_TIME_PRECISION) <= 0,
                    "portwatch " + startedAt + ", JDK " + jdk);
        }
    }

    @Test
    void boundUdpSocketIsUnconnWithThisJvmAsOwner() throws IOException {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK4, 0))) {
            SocketEntry socket = only(source.scan(), s -> s.protocol() == Protocol.UDP && s.localPort() == udp.getLocalPort());

            assertEquals(SocketState.UNCONN, socket.state());
            assertEquals(LOOPBACK4, socket.localAddress());
            assertEquals(PID, socket.pid());
        }
    }

    @Test
    void bothEndsOfALoopbackConnectionAreEstablishedWithThisJvmAsOwner() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK4);
             Socket client = new Socket(LOOPBACK4, server.getLocalPort());
             Socket accepted = server.accept()) {
            Snapshot snapshot = source.scan();
            SocketEntry clientSide = connection(snapshot, client.getLocalPort(), server.getLocalPort());
            SocketEntry serverSide = connection(snapshot, server.getLocalPort(), client.getLocalPort());

            assertEquals(SocketState.ESTABLISHED, clientSide.state());
            assertEquals(SocketState.ESTABLISHED, serverSide.state());
            assertEquals(LOOPBACK4, clientSide.remoteAddress());
            assertEquals(PID, clientSide.pid());
            assertEquals(PID, serverSide.pid());
            assertEquals(accepted.getPort(), client.getLocalPort());
        }
    }

    @Test
    void listenerOnIPv6LoopbackIsFoundWithItsIPv6Address() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK6)) {
            SocketEntry listener = only(source.scan(), s -> s.protocol() == Protocol.TCP
                    && s.localPort() == server.getLocalPort() && s.state() == SocketState.LISTEN);

            assertInstanceOf(Inet6Address.class, listener.localAddress());
            assertEquals(LOOPBACK6, listener.localAddress());
            assertEquals(PID, listener.pid());
        }
    }

    @Test
    void peerClosingFirstLeavesCloseWaitHereAndTimeWaitWithoutOwnerThere() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK4)) {
            Socket client = new Socket(LOOPBACK4, server.getLocalPort());
            int clientPort = client.getLocalPort();
            try (Socket accepted = server.accept()) {
                assertEquals(clientPort, accepted.getPort());
                client.close();
                SocketEntry closeWait = await(s -> s.localPort() == server.getLocalPort() && s.remotePort() == clientPort
                        && s.state() == SocketState.CLOSE_WAIT);
                assertEquals(PID, closeWait.pid(), "the accepted socket is still open in this JVM");
            }
            SocketEntry timeWait = await(s -> s.localPort() == clientPort && s.remotePort() == server.getLocalPort()
                    && s.state() == SocketState.TIME_WAIT);
            assertEquals(0, timeWait.inode());
            assertEquals(SocketEntry.UNKNOWN_PID, timeWait.pid());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Scans until one socket matches (state changes on loopback take a moment), for at most five seconds. */
    private SocketEntry await(Predicate<SocketEntry> wanted) throws Exception {
        List<List<SocketEntry>> found = new ArrayList<>(List.of(List.of()));
        return Poll.value(Duration.ofSeconds(5), () -> "expected one matching socket, found " + found.get(0), () -> {
            found.set(0, source.scan().sockets().stream().filter(wanted).collect(Collectors.toList()));
            return found.get(0).size() == 1 ? found.get(0).get(0) : null;
        });
    }

    private static SocketEntry connection(Snapshot snapshot, int localPort, int remotePort) {
        return only(snapshot, s -> s.protocol() == Protocol.TCP && s.localPort() == localPort && s.remotePort() == remotePort);
    }

    /** The one socket of this JVM's namespace that is wanted (another namespace of the host may use the same port). */
    private static SocketEntry only(Snapshot snapshot, Predicate<SocketEntry> wanted) {
        List<SocketEntry> found = snapshot.sockets().stream().filter(s -> s.netns().own()).filter(wanted)
                .collect(Collectors.toList());
        if (found.size() != 1) {
            fail("expected one matching socket, found " + found);
        }
        return found.get(0);
    }
}
