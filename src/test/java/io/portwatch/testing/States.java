package io.portwatch.testing;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.health.ConnectionQuality;
import io.portwatch.health.ConnectionReason;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.ListeningReason;
import io.portwatch.health.ListeningResult;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.SocketCounts;
import io.portwatch.health.UnexpectedListener;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ListenCounters;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.state.MonitorState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.portwatch.testing.StateBuilder.counts;

/**
 * Named example states, all built with {@link StateBuilder} (not a second builder): the ones the Prometheus golden
 * files pin byte for byte, so their instants, rows and counts must not change. Source {@code linux}, started at
 * {@link #STARTED}, scanned at {@link #SCANNED}.
 */
public final class States {

    /** When the example agent started: the golden files' {@code portwatch_start_time_seconds}. */
    public static final Instant STARTED = Instant.parse("2026-11-22T09:58:00Z");
    /** When the example scans ran: the golden files' last-scan time. */
    public static final Instant SCANNED = Instant.parse("2026-11-22T10:00:00.250Z");

    /** Port 22 on any address, owned by sshd: GREEN, critical. */
    public static final ListeningRow SSH = Rows.listening("ssh").port(22).proc("sshd").build();

    /** A port range on one address, owned by java: RED, warning. */
    public static final ListeningRow ADMIN = Rows.listening("admin").localIP("10.1.2.3").port("8000-8010").proc("java")
            .comment("admin consoles").severity(Severity.WARNING).source("monitoredListeningPorts.csv", 3).build();

    /** A row for another host: loaded, not in force here. */
    public static final ListeningRow OTHER_HOST = Rows.listening("db-listener").port(5432).proc("postgres").host("db*")
            .source("monitoredListeningPorts.csv", 4).build();

    /** A connection pool of 1-10 to a database by address, no name, any local port: YELLOW. */
    public static final ConnectionRow POOL = Rows.connection("pool").remoteIP("10.0.0.5").remotePort(5432).proc("java")
            .max(10).build();

    /** Port 80 owned by nginx in any container's namespace (the netns column: a glob). */
    public static final ListeningRow WEB_IN_CONTAINERS = Rows.listening("web").port(80).proc("nginx")
            .netns("container:*").build();

    /** nginx's connections to 10.0.0.9:443 from any namespace (the netns column: {@code *}). */
    public static final ConnectionRow UPSTREAM_ANYWHERE = Rows.connection("upstream").remoteIP("10.0.0.9")
            .remotePort(443).proc("nginx").netns("*").build();

    private States() {
    }

    /** The example agent before any scan, with no definitions: host web01, source linux, started at STARTED. */
    public static StateBuilder builder() {
        return new StateBuilder().source("linux").startedAt(STARTED);
    }

    /** Before any scan: only definitions loaded (ssh, admin, a row of another host; pool). */
    public static MonitorState initial() {
        return builder().definitions(List.of(SSH, ADMIN, OTHER_HOST), List.of(POOL)).build();
    }

    /**
     * {@link NamespacedSockets}' snapshot (processes with sockets in two namespaces) evaluated for real against
     * ssh (no netns column) and {@link #WEB_IN_CONTAINERS}, pool (no netns column) and {@link #UPSTREAM_ANYWHERE}.
     */
    public static MonitorState inNamespaces() {
        return evaluated(new Definitions(List.of(SSH, WEB_IN_CONTAINERS), List.of(POOL, UPSTREAM_ANYWHERE)),
                NamespacedSockets.snapshot());
    }

    /** {@code definitions} in force and evaluated against {@code snapshot} (processes.max as NamespacedSockets'). */
    public static MonitorState evaluated(Definitions definitions, Snapshot snapshot) {
        Evaluation e = Evaluator.evaluate(definitions, snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("web01").withProcessesMax(NamespacedSockets.PROCESSES_MAX));
        return builder().definitions(definitions).scanned(SCANNED, e).took(Duration.ofMillis(5)).build();
    }

    /**
     * After 7 scans (1 failed, 2 overran, the last one good), 3 good reloads and 1 failed (its error still
     * reported): 2 listening rows (one RED with severity warning), 1 connection row, 2 processes, 1 unexpected
     * listener, not stale.
     */
    public static MonitorState scanned() {
        SocketEntry sshListen = Sockets.tcp("0.0.0.0", 22, "0.0.0.0", 0, SocketState.LISTEN, 1, 812);
        ListeningResult ssh = new ListeningResult(SSH, ListeningReason.LISTENING,
                "tcp 0.0.0.0:22 is listening, owned by sshd (pid 812)", SCANNED, List.of(sshListen),
                "tcpListenOnweb01Forsshd:22", 0, 128);
        ListeningResult admin = new ListeningResult(ADMIN, ListeningReason.NOT_LISTENING,
                "nothing listens on tcp port 8000-8010", SCANNED, List.of(), "tcpListenOnweb01Forjava:8000-8010");
        ConnectionResult pool = new ConnectionResult(POOL, ConnectionReason.TOO_MANY,
                "12 ESTABLISHED, at most 10 expected", SCANNED, List.of(),
                Map.of(SocketState.ESTABLISHED, 12, SocketState.CLOSE_WAIT, 1),
                "tcpConnectOnweb01ForjavaTo10.0.0.5:5432", 1448, 0)
                .withQuality(new ConnectionQuality(2_500, 48_210, 37, 0, 12)); // as the netlink reader measures

        SocketCounts java4242 = counts(Protocol.TCP, SocketState.ESTABLISHED, 10, Protocol.TCP, SocketState.CLOSE_WAIT, 1);
        SocketCounts java4243 = counts(Protocol.TCP, SocketState.ESTABLISHED, 2, Protocol.UDP, SocketState.UNCONN, 1);
        SocketCounts javaAll = counts(Protocol.TCP, SocketState.ESTABLISHED, 12, Protocol.TCP, SocketState.CLOSE_WAIT, 1,
                Protocol.UDP, SocketState.UNCONN, 1);
        SocketCounts sshd = counts(Protocol.TCP, SocketState.LISTEN, 1, Protocol.TCP, SocketState.ESTABLISHED, 1);
        SocketCounts host = counts(Protocol.TCP, SocketState.ESTABLISHED, 13, Protocol.TCP, SocketState.CLOSE_WAIT, 1,
                Protocol.TCP, SocketState.LISTEN, 2, Protocol.UDP, SocketState.UNCONN, 1);
        List<ProcessSockets> processes = List.of(
                new ProcessSockets("java", List.of(4242, 4243), List.of("app"), javaAll,
                        Map.of(4242, java4242, 4243, java4243)),
                new ProcessSockets("sshd", List.of(812), List.of("root"), sshd, Map.of(812, sshd)));
        UnexpectedListener unexpected = new UnexpectedListener(
                new SocketEntry(Protocol.TCP, Addresses.parseLiteral("::"), 6379, Addresses.anyIPv6(), 0,
                        SocketState.LISTEN, 77, 0, 999), "redis-server");
        Evaluation evaluation = new Evaluation(SCANNED, List.of(ssh, admin), List.of(pool), processes, host,
                List.of(unexpected), new ListenCounters(3, 7));

        MonitorState s = initial();
        s = s.withScanFailure(Duration.ofMillis(3), false, "cannot read /proc/net/tcp");
        for (int i = 0; i < 5; i++) {
            s = s.withScan(SCANNED.minusSeconds(15L * (6 - i)), Duration.ofMillis(40), i < 2, evaluation);
        }
        s = s.withDefinitions(s.definitions(), true).withDefinitions(s.definitions(), true)
                .withDefinitions(s.definitions(), true)
                .withConfigErrors(List.of("monitoredTcpConnects.csv:5: remotePort: expecting 1-65535 (found \"54x\")"), true);
        return s.withScan(SCANNED, Duration.ofMillis(42), false, evaluation);
    }
}
