package io.portwatch.scan.linux;

import io.portwatch.scan.ScanOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link LinuxSocketSource} across network namespaces, on real namespaces this test creates ({@link NetnsFixture},
 * root) with real processes in them; all are removed after each test.
 */
@EnabledOnOs(OS.LINUX)
class LinuxNamespacesTest {

    private static final InetAddress LOOPBACK4 = Addresses.parseLiteral("127.0.0.1");

    private final NetnsFixture fixture = new NetnsFixture();

    @AfterEach
    void removeNamespacesAndProcesses() throws Exception {
        fixture.close();
    }

    @Test
    @Tag("netns") @Tag("root")
    void listenerInAnotherNamespaceIsFoundWithItsIpNetnsNameAndOwner() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);

        Snapshot snapshot = new LinuxSocketSource().scan();
        SocketEntry listener = only(snapshot, s -> s.netns().name().equals(ns) && s.localPort() == child.port()
                && s.state() == SocketState.LISTEN);

        assertEquals(LOOPBACK4, listener.localAddress());
        assertEquals(child.pid(), listener.pid());
        assertEquals("python3", snapshot.owner(listener).orElseThrow().exeName().replaceAll("\\.[0-9]+$", ""));
        assertFalse(listener.netns().own());
        assertEquals(NetNamespaces.inode(Path.of("/proc/" + child.pid() + "/ns/net")), listener.netns().inode());
    }

    @Test
    @Tag("netns") @Tag("root")
    void ipv6AndUdpSocketsInAnotherNamespaceAreFound() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child tcp6 = fixture.listen(ns, "::1", 0);
        NetnsFixture.Child udp = fixture.udp(ns, "127.0.0.1", 0);

        Snapshot snapshot = new LinuxSocketSource().scan();

        SocketEntry listener = only(snapshot, s -> s.netns().name().equals(ns) && s.pid() == tcp6.pid());
        assertEquals(Addresses.parseLiteral("::1"), listener.localAddress());
        assertEquals(tcp6.port(), listener.localPort());
        SocketEntry bound = only(snapshot, s -> s.netns().name().equals(ns) && s.pid() == udp.pid());
        assertEquals(Protocol.UDP, bound.protocol());
        assertEquals(udp.port(), bound.localPort());
    }

    @Test
    @Tag("netns") @Tag("root")
    void ownNamespacesOnlyDoesNotSeeOtherNamespaces() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);

        Snapshot snapshot = new LinuxSocketSource(new ScanOptions(false, true)).scan();

        assertTrue(snapshot.sockets().stream().allMatch(s -> s.netns().own()));
        assertTrue(snapshot.sockets().stream().noneMatch(s -> s.pid() == child.pid()));
    }

    @Test
    void ownNamespaceIsHostWhenItIsPidOnes() throws IOException {
        long own = NetNamespaces.inode(Path.of("/proc/self/ns/net"));
        long first = NetNamespaces.inode(Path.of("/proc/1/ns/net"));
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK4)) {
            Snapshot snapshot = new LinuxSocketSource().scan();
            SocketEntry listener = only(snapshot, s -> s.netns().own() && s.localPort() == server.getLocalPort()
                    && s.state() == SocketState.LISTEN);

            assertEquals(own, listener.netns().inode());
            if (first == own || first < 0) { // pid 1's link is unreadable in some sandboxes: then this is the host
                assertEquals("host", listener.netns().name());
            }
        }
    }

    @Test
    @Tag("netns") @Tag("root")
    void namespaceWithoutMountIsNamedByItsContainerOrInode() throws Exception {
        NetnsFixture.Child child = fixture.unshared("0.0.0.0", 0);
        long inode = NetNamespaces.inode(Path.of("/proc/" + child.pid() + "/ns/net"));
        String cgroup = Files.readString(Path.of("/proc/" + child.pid() + "/cgroup"), StandardCharsets.UTF_8);
        String expected = CgroupNames.name(cgroup).orElse("net:[" + inode + "]");

        Snapshot snapshot = new LinuxSocketSource().scan();
        SocketEntry listener = only(snapshot, s -> s.pid() == child.pid() && s.state() == SocketState.LISTEN);

        assertEquals(expected, listener.netns().name());
        assertEquals(inode, listener.netns().inode());
    }

    @Test
    @Tag("netns") @Tag("root")
    void vethPairGivesOneEstablishedSocketOnEachSideInItsNamespace() throws Exception {
        String a = fixture.namespace();
        String b = fixture.namespace();
        fixture.veth(a, "10.231.7.1", b, "10.231.7.2");
        NetnsFixture.Child server = fixture.listen(b, "10.231.7.2", 0);
        NetnsFixture.Child client = fixture.connect(a, "10.231.7.2", server.port());

        Snapshot snapshot = new LinuxSocketSource().scan();
        SocketEntry out = only(snapshot, s -> s.protocol() == Protocol.TCP && s.state() == SocketState.ESTABLISHED
                && s.remotePort() == server.port() && s.localPort() == client.port()
                && s.remoteAddress().equals(Addresses.parseLiteral("10.231.7.2")));
        SocketEntry in = only(snapshot, s -> s.protocol() == Protocol.TCP && s.state() == SocketState.ESTABLISHED
                && s.localPort() == server.port() && s.remotePort() == client.port()
                && s.remoteAddress().equals(Addresses.parseLiteral("10.231.7.1")));

        assertEquals(a, out.netns().name());
        assertEquals(client.pid(), out.pid());
        assertEquals(b, in.netns().name());
        assertEquals(server.pid(), in.pid());
    }

    @Test
    @Tag("netns") @Tag("root")
    void namespaceObjectIsSharedBySocketsAndKeptAcrossScans() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child server = fixture.listen(ns, "127.0.0.1", 0);
        fixture.connect(ns, "127.0.0.1", server.port());
        LinuxSocketSource source = new LinuxSocketSource();

        List<SocketEntry> first = all(source.scan(), s -> s.netns().name().equals(ns));
        List<SocketEntry> second = all(source.scan(), s -> s.netns().name().equals(ns));

        assertEquals(3, first.size(), first.toString()); // listener, and both ends of the connection
        for (SocketEntry s : first) {
            assertSame(first.get(0).netns(), s.netns());
        }
        assertSame(first.get(0).netns(), second.get(0).netns());
    }

    @Test
    @Tag("netns") @Tag("root")
    void namespaceWhoseProcessesExitedIsSkipped() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);
        LinuxSocketSource source = new LinuxSocketSource();
        NetNamespace seen = only(source.scan(), s -> s.pid() == child.pid()).netns();

        child.process().destroyForcibly().waitFor();
        Snapshot after = source.scan();

        assertTrue(after.sockets().stream().noneMatch(s -> s.netns().equals(seen)), seen.toString());
    }

    private static SocketEntry only(Snapshot snapshot, Predicate<SocketEntry> p) {
        List<SocketEntry> found = all(snapshot, p);
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    private static List<SocketEntry> all(Snapshot snapshot, Predicate<SocketEntry> p) {
        return snapshot.sockets().stream().filter(p).collect(Collectors.toList());
    }
}
