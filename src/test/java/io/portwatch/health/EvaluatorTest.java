package io.portwatch.health;

import static io.portwatch.health.Fixtures.connect;
import static io.portwatch.health.Fixtures.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListenerIgnoreList;
import io.portwatch.config.ListeningRow;
import io.portwatch.scan.Resolution;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;
import io.portwatch.testing.SnapshotBuilder;

import java.util.List;
import java.util.Map;

/** docs/design.md §3 on hand-built snapshots: every row of both health tables. */
class EvaluatorTest {

    private static final EvaluationOptions OPTIONS = EvaluationOptions.forHost("web01");

    private static ListeningResult evalListen(ListeningRow row, Snapshot snapshot) {
        return Evaluator.evaluate(new Definitions(List.of(row), List.of()), snapshot, ResolvedNames.NONE, OPTIONS)
                .listening().get(0);
    }

    private static ConnectionResult evalConnect(ConnectionRow row, Snapshot snapshot, ResolvedNames names) {
        return Evaluator.evaluate(new Definitions(List.of(), List.of(row)), snapshot, names, OPTIONS).connections().get(0);
    }

    @Test
    void listenerOwnedByExpectedProcessIsGreen() {
        Snapshot s = new SnapshotBuilder().process(10, "sshd").listen("tcp", "0.0.0.0", 22, 10).build();
        ListeningResult r = evalListen(listen("tcp", "", "22", "sshd"), s);
        assertEquals(Health.GREEN, r.health());
        assertEquals("tcp/22 listening on 0.0.0.0, owned by sshd (pid 10)", r.reason());
        assertEquals(ListeningReason.LISTENING, r.reasonCode());
        assertEquals(Fixtures.AT, r.testedAt());
        assertEquals(1, r.matched().size());
    }

    @Test
    void nothingListeningIsRed() {
        Snapshot s = new SnapshotBuilder().process(10, "sshd").listen("tcp", "0.0.0.0", 2222, 10).build();
        ListeningResult r = evalListen(listen("tcp", "", "22", "sshd"), s);
        assertEquals(Health.RED, r.health());
        assertEquals("nothing listens on tcp/22", r.reason());
        assertEquals(ListeningReason.NOT_LISTENING, r.reasonCode());
    }

    @Test
    void port80IsNotSatisfiedBy8080() {
        Snapshot s = new SnapshotBuilder().process(10, "nginx").listen("tcp", "0.0.0.0", 8080, 10).build();
        assertEquals(Health.RED, evalListen(listen("tcp", "", "80", "nginx"), s).health());
    }

    @Test
    void otherOwnerIsYellowAndNamed() {
        Snapshot s = new SnapshotBuilder().process(11, "nginx").listen("tcp", "0.0.0.0", 80, 11).build();
        ListeningResult r = evalListen(listen("tcp", "", "80", "httpd"), s);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("tcp/80 is owned by nginx (pid 11), expected httpd", r.reason());
        assertEquals(ListeningReason.OTHER_OWNER, r.reasonCode());
    }

    @Test
    void javaDoesNotMatchJavaw() {
        Snapshot s = new SnapshotBuilder().process(11, "javaw").listen("tcp", "0.0.0.0", 80, 11).build();
        assertEquals(Health.YELLOW, evalListen(listen("tcp", "", "80", "java"), s).health());
    }

    @Test
    void trailingExeAndCaseAreIgnoredInProcessNames() {
        Snapshot s = new SnapshotBuilder().process(11, "Sqlservr.exe").listen("tcp", "0.0.0.0", 1433, 11).build();
        assertEquals(Health.GREEN, evalListen(listen("tcp", "", "1433", "sqlservr"), s).health());
        assertEquals(Health.GREEN, evalListen(listen("tcp", "", "1433", "sql*.EXE"), s).health());
    }

    @Test
    void unknownOwnerWithProcNameIsYellow() {
        Snapshot s = new SnapshotBuilder().listen("tcp", "0.0.0.0", 22, -1).build();
        ListeningResult r = evalListen(listen("tcp", "", "22", "sshd"), s);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("tcp/22 is listening but its owner cannot be seen (permissions), expected sshd", r.reason());
        assertEquals(ListeningReason.OWNER_NOT_VISIBLE, r.reasonCode());
        assertEquals(Health.GREEN, evalListen(listen("tcp", "", "22", ""), s).health());
    }

    @Test
    void loopbackListenerWhenExternalAddressExpectedIsYellow() {
        Snapshot s = new SnapshotBuilder().process(10, "java").listen("tcp", "127.0.0.1", 8080, 10).build();
        ListeningResult r = evalListen(listen("tcp", "10.0.0.5", "8080", "java"), s);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("tcp/8080 listens only on 127.0.0.1, expected 10.0.0.5", r.reason());
        assertEquals(ListeningReason.OTHER_ADDRESS, r.reasonCode());
    }

    @Test
    void listenerOnWildcardAddressSatisfiesSpecificIp() {
        Snapshot v4 = new SnapshotBuilder().process(10, "java").listen("tcp", "0.0.0.0", 8080, 10).build();
        assertEquals(Health.GREEN, evalListen(listen("tcp", "10.0.0.5", "8080", "java"), v4).health());
        Snapshot v6 = new SnapshotBuilder().process(10, "java").listen("tcp", "::", 8080, 10).build();
        assertEquals(Health.GREEN, evalListen(listen("tcp", "10.0.0.5", "8080", "java"), v6).health());
        assertEquals(Health.GREEN, evalListen(listen("tcp", "fe80::1", "8080", "java"), v6).health());
        assertEquals(Health.YELLOW, evalListen(listen("tcp", "fe80::1", "8080", "java"), v4).health(),
                "0.0.0.0 does not serve IPv6 addresses");
    }

    @Test
    void ipv4MappedRowAddressEqualsIpv4Socket() {
        Snapshot s = new SnapshotBuilder().process(10, "java").listen("tcp", "10.0.0.5", 8080, 10).build();
        assertEquals(Health.GREEN, evalListen(listen("tcp", "::ffff:10.0.0.5", "8080", "java"), s).health());
    }

    @Test
    void udpRowNeedsBoundUdpSocketNotTcp() {
        Snapshot s = new SnapshotBuilder().process(10, "chronyd").listen("tcp", "0.0.0.0", 123, 10).build();
        assertEquals(Health.RED, evalListen(listen("udp", "", "123", "chronyd"), s).health());
        Snapshot u = new SnapshotBuilder().process(10, "chronyd").listen("udp", "0.0.0.0", 123, 10).build();
        assertEquals(Health.GREEN, evalListen(listen("udp", "", "123", "chronyd"), u).health());
    }

    @Test
    void portRangeMatchesAnyPortInside() {
        Snapshot s = new SnapshotBuilder().process(10, "java").listen("tcp", "0.0.0.0", 8005, 10).build();
        assertEquals(Health.GREEN, evalListen(listen("tcp", "", "8000-8010", "java"), s).health());
        assertEquals(Health.GREEN, evalListen(listen("tcp", "", "1-65535", "java"), s).health());
    }

    // ---- connections

    private static SnapshotBuilder db() {
        return new SnapshotBuilder().process(20, "java").process(21, "python");
    }

    @Test
    void establishedConnectionIsGreen() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 1, null), s, ResolvedNames.NONE);
        assertEquals(Health.GREEN, r.health());
        assertEquals("1 ESTABLISHED to 10.0.0.9:5432 by java (expected at least 1)", r.reason());
        assertEquals(ConnectionReason.COUNT_AS_EXPECTED, r.reasonCode());
        assertEquals(1, r.established());
    }

    @Test
    void fewerThanMinCountIsYellow() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20)
                .tcp("10.0.0.1", 40001, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 3, null), s, ResolvedNames.NONE);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("2 ESTABLISHED to 10.0.0.9:5432 by java, expected at least 3", r.reason());
        assertEquals(ConnectionReason.TOO_FEW, r.reasonCode());
    }

    @Test
    void moreThanMaxCountIsYellow() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20)
                .tcp("10.0.0.1", 40001, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 1, 1), s, ResolvedNames.NONE);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("2 ESTABLISHED to 10.0.0.9:5432 by java, expected exactly 1", r.reason());
        assertEquals(ConnectionReason.TOO_MANY, r.reasonCode());
    }

    @Test
    void onlyTransitionalStatesAreYellow() {
        for (SocketState state : SocketState.values()) {
            if (!state.isTransitional()) {
                continue;
            }
            Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, state, state == SocketState.TIME_WAIT ? -1 : 20).build();
            ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "", 1, null), s, ResolvedNames.NONE);
            assertEquals(Health.YELLOW, r.health(), state.name());
            assertEquals("none ESTABLISHED to 10.0.0.9:5432; 1 " + state, r.reason());
            assertEquals(ConnectionReason.TRANSITIONAL, r.reasonCode());
        }
    }

    @Test
    void onlyCloseWaitIsRed() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.CLOSE_WAIT, 20).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 1, null), s, ResolvedNames.NONE);
        assertEquals(Health.RED, r.health());
        assertEquals("only CLOSE_WAIT to 10.0.0.9:5432 (the peer closed, the local side did not)", r.reason());
        assertEquals(ConnectionReason.ONLY_CLOSE_WAIT, r.reasonCode());
    }

    @Test
    void noMatchingSocketIsRed() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 54320, SocketState.ESTABLISHED, 20).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 1, null), s, ResolvedNames.NONE);
        assertEquals(Health.RED, r.health());
        assertEquals("no connection to 10.0.0.9:5432 by java", r.reason());
        assertEquals(ConnectionReason.NO_CONNECTION, r.reasonCode());
    }

    @Test
    void establishedByAnotherProcessIsYellow() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, 21).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 1, null), s, ResolvedNames.NONE);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("ESTABLISHED to 10.0.0.9:5432 by python (pid 21), expected java", r.reason());
        assertEquals(ConnectionReason.OTHER_OWNER, r.reasonCode());
    }

    @Test
    void establishedByAnOwnerThatCannotBeSeenIsYellow() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, -1).build();
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 1, null), s, ResolvedNames.NONE);
        assertEquals(Health.YELLOW, r.health());
        assertEquals("ESTABLISHED to 10.0.0.9:5432 but its owner cannot be seen (permissions), expected java", r.reason());
        assertEquals(ConnectionReason.OWNER_NOT_VISIBLE, r.reasonCode());
    }

    @Test
    void remoteNameMatchesAnyOfItsAddresses() {
        Snapshot s = db().tcp("::1", 40000, "2001:db8::9", 5432, SocketState.ESTABLISHED, 20).build();
        ResolvedNames names = new ResolvedNames(Map.of("db01", Resolution.of(List.of(Fixtures.ip("10.0.0.9"),
                Fixtures.ip("2001:db8::9")))));
        ConnectionResult r = evalConnect(connect("", "DB01", "5432", "java", 1, null), s, names);
        assertEquals(Health.GREEN, r.health());
        assertEquals("1 ESTABLISHED to DB01:5432 by java (expected at least 1)", r.reason());
        assertEquals(ConnectionReason.COUNT_AS_EXPECTED, r.reasonCode());
    }

    @Test
    void unresolvedRemoteNameWithoutIpIsRed() {
        Snapshot s = db().build();
        ResolvedNames names = new ResolvedNames(Map.of("nosuch.invalid", Resolution.failed("unknown host")));
        ConnectionResult r = evalConnect(connect("", "nosuch.invalid", "5432", "java", 1, null), s, names);
        assertEquals(Health.RED, r.health());
        assertEquals("remoteName nosuch.invalid does not resolve: unknown host", r.reason());
        assertEquals(ConnectionReason.NOT_RESOLVED, r.reasonCode());
    }

    @Test
    void remoteNameNotResolvedYetWithoutIpIsRed() {
        ConnectionResult r = evalConnect(connect("", "db01", "5432", "java", 1, null), db().build(), ResolvedNames.NONE);
        assertEquals(Health.RED, r.health());
        assertEquals("remoteName db01 has not been resolved yet", r.reason());
        assertEquals(ConnectionReason.NOT_RESOLVED_YET, r.reasonCode());
    }

    @Test
    void unresolvedRemoteNameWithIpStillUsesTheIp() {
        Snapshot s = db().tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20).build();
        ResolvedNames names = new ResolvedNames(Map.of("db01", Resolution.failed("unknown host")));
        assertEquals(Health.GREEN, evalConnect(connect("10.0.0.9", "db01", "5432", "java", 1, null), s, names).health());
    }

    @Test
    void listeningSocketsNeverCountAsConnections() {
        Snapshot s = db().listen("tcp", "0.0.0.0", 5432, 20).build();
        assertEquals(Health.RED, evalConnect(connect("", "", "5432", "", 1, null), s, ResolvedNames.NONE).health());
    }

    @Test
    void minCountZeroWithNoConnectionIsGreen() {
        ConnectionResult r = evalConnect(connect("10.0.0.9", "", "5432", "java", 0, null), db().build(),
                ResolvedNames.NONE);
        assertEquals(Health.GREEN, r.health());
        assertEquals(ConnectionReason.COUNT_AS_EXPECTED, r.reasonCode());
        assertEquals("0 ESTABLISHED to 10.0.0.9:5432 by java (expected at least 0)", r.reason());
    }

    @Test
    void everyCaseHasTheHealthOfDesignSection3() {
        Map<ReasonCode, Health> expected = new java.util.LinkedHashMap<>();
        expected.put(ListeningReason.LISTENING, Health.GREEN);
        expected.put(ListeningReason.OTHER_OWNER, Health.YELLOW);
        expected.put(ListeningReason.OTHER_ADDRESS, Health.YELLOW);
        expected.put(ListeningReason.OWNER_NOT_VISIBLE, Health.YELLOW);
        expected.put(ListeningReason.NOT_ACCEPTING, Health.YELLOW);
        expected.put(ListeningReason.NOT_LISTENING, Health.RED);
        expected.put(ConnectionReason.COUNT_AS_EXPECTED, Health.GREEN);
        expected.put(ConnectionReason.STALLED, Health.YELLOW);
        expected.put(ConnectionReason.RETRANSMITTING, Health.YELLOW);
        expected.put(ConnectionReason.SLOW, Health.YELLOW);
        expected.put(ConnectionReason.TOO_FEW, Health.YELLOW);
        expected.put(ConnectionReason.TOO_MANY, Health.YELLOW);
        expected.put(ConnectionReason.TRANSITIONAL, Health.YELLOW);
        expected.put(ConnectionReason.OTHER_OWNER, Health.YELLOW);
        expected.put(ConnectionReason.OWNER_NOT_VISIBLE, Health.YELLOW);
        expected.put(ConnectionReason.ONLY_CLOSE_WAIT, Health.RED);
        expected.put(ConnectionReason.NO_CONNECTION, Health.RED);
        expected.put(ConnectionReason.NOT_RESOLVED, Health.RED);
        expected.put(ConnectionReason.NOT_RESOLVED_YET, Health.RED);
        assertEquals(ListeningReason.values().length + ConnectionReason.values().length, expected.size());
        expected.forEach((code, health) -> assertEquals(health, code.health(), code.toString()));
    }

    // ---- counts, unexpected listeners, host filter

    @Test
    void countsPerProcessAndHost() {
        Snapshot s = db().listen("tcp", "0.0.0.0", 8080, 20).listen("udp", "0.0.0.0", 53, 21)
                .tcp("10.0.0.1", 40000, "10.0.0.9", 5432, SocketState.ESTABLISHED, 20)
                .tcp("10.0.0.1", 40001, "10.0.0.9", 5432, SocketState.TIME_WAIT, -1).build();
        Evaluation e = Evaluator.evaluate(Definitions.EMPTY, s, ResolvedNames.NONE, OPTIONS);
        assertEquals(4, e.host().total());
        assertEquals(1, e.host().get(io.portwatch.scan.Protocol.TCP, SocketState.TIME_WAIT));
        assertEquals(List.of("java", "python", "unknown"), e.processes().stream().map(ProcessSockets::name).toList());
        ProcessSockets java = e.processes().get(0);
        assertEquals(List.of(20), java.pids());
        assertEquals(2, java.counts().total());
        assertEquals(1, java.counts().get(io.portwatch.scan.Protocol.TCP, SocketState.LISTEN));
    }

    @Test
    void unexpectedListenersAreThoseNoRowCoversMinusIgnored() {
        Snapshot s = db().listen("tcp", "0.0.0.0", 22, 20).listen("tcp", "0.0.0.0", 8080, 20)
                .listen("udp", "0.0.0.0", 53, 21).listen("tcp", "127.0.0.1", 9999, 21).build();
        EvaluationOptions options = new EvaluationOptions("web01", true, ListenerIgnoreList.parse("udp:53"),
                EvaluationOptions.DEFAULT_PROCESSES_MAX);
        Evaluation e = Evaluator.evaluate(new Definitions(List.of(listen("tcp", "", "22", "sshd")), List.of()), s,
                ResolvedNames.NONE, options);
        assertEquals(List.of(8080, 9999), e.unexpected().stream().map(u -> u.socket().localPort()).sorted().toList());
        assertTrue(Evaluator.evaluate(Definitions.EMPTY, s, ResolvedNames.NONE, OPTIONS).unexpected().isEmpty(),
                "off by default");
        EvaluationOptions byProcess = new EvaluationOptions("web01", true, ListenerIgnoreList.parse("java, python"),
                EvaluationOptions.DEFAULT_PROCESSES_MAX);
        assertTrue(Evaluator.evaluate(Definitions.EMPTY, s, ResolvedNames.NONE, byProcess).unexpected().isEmpty());
    }

    @Test
    void worstAndCounts() {
        Snapshot s = db().listen("tcp", "0.0.0.0", 22, 20).build();
        Evaluation e = Evaluator.evaluate(new Definitions(List.of(listen("tcp", "", "22", ""),
                listen("tcp", "", "23", "")), List.of()), s, ResolvedNames.NONE, OPTIONS);
        assertEquals(Health.RED, e.worst());
        assertEquals(1, e.count(Health.GREEN));
        assertEquals(1, e.count(Health.RED));
    }

    @Test
    void netstatWatcherKeyNamesHostProcessAndTarget() {
        Snapshot s = db().build();
        assertEquals("tcpConnectOnweb01ForjavaTo10.0.0.9:5432",
                evalConnect(connect("10.0.0.9", "", "5432", "java", 1, null), s, ResolvedNames.NONE).netstatWatcherKey());
    }
}
