package io.portwatch.health;

import io.portwatch.scan.ScanOptions;
import static io.portwatch.health.Fixtures.connect;
import static io.portwatch.health.Fixtures.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListenerIgnoreList;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NetnsPattern;
import io.portwatch.config.PortRange;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.linux.LinuxSocketSource;
import io.portwatch.scan.linux.NetnsFixture;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * docs/design.md §3 "in the row's namespace", on real network namespaces and processes this test creates (root;
 * {@link NetnsFixture} removes them after each test, also when it fails).
 */
@EnabledOnOs(OS.LINUX)
@Tag("netns") @Tag("root")
class NamespaceHealthTest {

    private static final EvaluationOptions OPTIONS = EvaluationOptions.forHost("test");
    private static final EvaluationOptions UNEXPECTED = new EvaluationOptions("test", true, ListenerIgnoreList.NONE,
            EvaluationOptions.DEFAULT_PROCESSES_MAX);

    private final NetnsFixture fixture = new NetnsFixture();
    private final LinuxSocketSource source = new LinuxSocketSource();

    @AfterEach
    void removeNamespacesAndProcesses() throws Exception {
        fixture.close();
    }

    @Test
    void listenerInTestNamespaceIsGreenForItsNamespaceRedWithoutNetnsGreenForAny() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);
        String port = Integer.toString(child.port());
        Snapshot snapshot = source.scan();

        ListeningResult inNs = listening(snapshot, listen("tcp", "", port, "python3*"), ns);
        ListeningResult own = listening(snapshot, listen("tcp", "", port, "python3*"), "");
        ListeningResult any = listening(snapshot, listen("tcp", "", port, "python3*"), "*");
        ListeningResult glob = listening(snapshot, listen("tcp", "", port, "python3*"), "pwt-*");

        assertEquals(Health.GREEN, inNs.health(), inNs.reason());
        assertEquals(child.pid(), inNs.matched().get(0).pid());
        assertEquals(ns, inNs.matched().get(0).netns().name());
        assertTrue(inNs.reason().contains(", owned by python3"), inNs.reason());
        assertTrue(inNs.reason().endsWith("(pid " + child.pid() + ") (netns " + ns + ")"), inNs.reason());
        if (ownListeners(snapshot, child.port()).isEmpty()) { // the same port may be in use on this host, by chance
            assertEquals(Health.RED, own.health(), own.reason());
            assertEquals("nothing listens on tcp/" + port, own.reason());
        }
        assertEquals(Health.GREEN, any.health(), any.reason());
        assertTrue(any.reason().contains(ns), any.reason());
        assertEquals(Health.GREEN, glob.health(), glob.reason());
    }

    @Test
    void rowForAnotherNamespaceIsRedWithTheColumnInItsReason() throws Exception {
        String ns = fixture.namespace();
        String other = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);

        ListeningResult r = listening(source.scan(), listen("tcp", "", Integer.toString(child.port()), ""), other);

        assertEquals(Health.RED, r.health(), r.reason());
        assertEquals("nothing listens on tcp/" + child.port() + " (netns " + other + ")", r.reason());
    }

    @Test
    void establishedConnectionInTestNamespaceMatchesTheRowForThatNamespace() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child server = fixture.listen(ns, "127.0.0.1", 0);
        NetnsFixture.Child client = fixture.connect(ns, "127.0.0.1", server.port());
        String port = Integer.toString(server.port());
        Snapshot snapshot = source.scan();

        ConnectionResult inNs = connection(snapshot, connect("127.0.0.1", "", port, "python3*", 1, 1), ns);
        ConnectionResult own = connection(snapshot, connect("127.0.0.1", "", port, "python3*", 1, 1), "");

        assertEquals(Health.GREEN, inNs.health(), inNs.reason());
        assertEquals(List.of(client.pid()), pids(inNs.matched()));
        assertTrue(inNs.reason().endsWith(" (netns " + ns + ")"), inNs.reason());
        assertTrue(own.matched().stream().noneMatch(s -> s.pid() == client.pid()), own.matched().toString());
    }

    @Test
    void vethPairGivesEachSideItsOwnEstablishedConnection() throws Exception {
        String a = fixture.namespace();
        String b = fixture.namespace();
        fixture.veth(a, "10.231.9.1", b, "10.231.9.2");
        NetnsFixture.Child server = fixture.listen(b, "10.231.9.2", 0);
        NetnsFixture.Child client = fixture.connect(a, "10.231.9.2", server.port());
        Snapshot snapshot = source.scan();
        String port = Integer.toString(server.port());

        ConnectionResult outA = connection(snapshot, connect("10.231.9.2", "", port, "", 1, 1), a);
        ConnectionResult outB = connection(snapshot, connect("10.231.9.2", "", port, "", 1, 1), b);
        ConnectionRow inbound = connect("", "", "*", "", 1, 1);
        ConnectionResult inB = connection(snapshot, new ConnectionRow("in", inbound.remoteIP(), "", inbound.remotePort(),
                PortRange.parse(port), inbound.procName(), "", inbound.host(), 1, inbound.maxCount(), inbound.severity(),
                inbound.source()), b);

        assertEquals(Health.GREEN, outA.health(), outA.reason());
        assertEquals(List.of(client.pid()), pids(outA.matched()));
        assertEquals(Health.RED, outB.health(), outB.reason());
        assertEquals(Health.GREEN, inB.health(), inB.reason());
        assertEquals(List.of(server.pid()), pids(inB.matched()));
        assertEquals(b, inB.matched().get(0).netns().name());
    }

    @Test
    void listenerIsUnexpectedUnlessARowCoversItsNamespaceAndIsReportedWithIt() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "0.0.0.0", 0);
        String port = Integer.toString(child.port());
        Snapshot snapshot = source.scan();

        List<UnexpectedListener> ownRowOnly = unexpected(snapshot, withNetns(listen("tcp", "", port, ""), ""), child);
        List<UnexpectedListener> nsRow = unexpected(snapshot, withNetns(listen("tcp", "", port, ""), ns), child);

        assertEquals(1, ownRowOnly.size(), ownRowOnly.toString());
        assertEquals(ns, ownRowOnly.get(0).socket().netns().name());
        assertTrue(ownRowOnly.get(0).socket().localAddress().isAnyLocalAddress());
        assertEquals(List.of(), nsRow);
    }

    @Test
    void ownNamespacesSettingSeesNothingOfTheTestNamespace() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);
        Snapshot snapshot = new LinuxSocketSource(new ScanOptions(false, true)).scan();

        ListeningResult r = listening(snapshot, listen("tcp", "", Integer.toString(child.port()), ""), ns);

        assertEquals(Health.RED, r.health(), r.reason());
        assertTrue(unexpected(snapshot, listen("tcp", "", "1", ""), child).isEmpty());
    }

    private static ListeningResult listening(Snapshot snapshot, ListeningRow row, String netns) {
        return Evaluator.evaluate(new Definitions(List.of(withNetns(row, netns)), List.of()), snapshot,
                ResolvedNames.NONE, OPTIONS).listening().get(0);
    }

    private static ConnectionResult connection(Snapshot snapshot, ConnectionRow r, String netns) {
        ConnectionRow row = new ConnectionRow(r.id(), r.remoteIP(), r.remoteName(), r.remotePort(), r.localPort(),
                r.procName(), r.comment(), r.host(), r.minCount(), r.maxCount(), r.severity(), r.source(),
                NetnsPattern.of(netns));
        return Evaluator.evaluate(new Definitions(List.of(), List.of(row)), snapshot, ResolvedNames.NONE, OPTIONS)
                .connections().get(0);
    }

    private static List<UnexpectedListener> unexpected(Snapshot snapshot, ListeningRow row, NetnsFixture.Child child) {
        return Evaluator.evaluate(new Definitions(List.of(row), List.of()), snapshot, ResolvedNames.NONE, UNEXPECTED)
                .unexpected().stream().filter(u -> u.socket().pid() == child.pid())
                .collect(Collectors.toList());
    }

    private static ListeningRow withNetns(ListeningRow r, String netns) {
        return new ListeningRow(r.id(), r.protocol(), r.localIP(), r.localPort(), r.procName(), r.comment(), r.host(),
                r.severity(), r.source(), NetnsPattern.of(netns));
    }

    private static List<SocketEntry> ownListeners(Snapshot snapshot, int port) {
        return snapshot.sockets().stream().filter(s -> s.netns().own() && s.localPort() == port
                && SocketIndex.isListener(s)).collect(Collectors.toList());
    }

    private static List<Long> pids(List<SocketEntry> sockets) {
        return sockets.stream().map(s -> (long) s.pid()).distinct().collect(Collectors.toList());
    }
}
