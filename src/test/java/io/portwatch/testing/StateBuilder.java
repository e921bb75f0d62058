package io.portwatch.testing;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.health.ConnectionReason;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningReason;
import io.portwatch.health.ListeningResult;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.SocketCounts;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.state.MonitorState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A published {@link MonitorState} for tests, by named fields: host {@code web01}, version {@code 1.2.3}, source
 * {@code test}, interval 15 s, started at {@link #STARTED}, no definitions, no scan yet unless told; and the parts a
 * state is made of (row results, processes, socket counts), hand-built with fixed instants, no OS involved. The one
 * place tests build published state: no per-package copies ({@link States} names example states built with it).
 */
public final class StateBuilder {

    public static final Instant STARTED = Instant.parse("2026-11-22T09:59:00Z");
    /** When {@link #results} and the result factories say the scan ran. */
    public static final Instant SCANNED = Instant.parse("2026-11-22T10:00:00Z");

    private String host = "web01";
    private String version = "1.2.3";
    private String source = "test";
    private String reader = "";
    private Duration interval = Duration.ofSeconds(15);
    private Instant startedAt = STARTED;
    private Definitions definitions;
    private Evaluation evaluation;
    private Instant scannedAt;
    private Duration took = Duration.ofMillis(12);

    public StateBuilder host(String name) {
        host = name;
        return this;
    }

    public StateBuilder version(String v) {
        version = v;
        return this;
    }

    public StateBuilder source(String name) {
        source = name;
        return this;
    }

    /** How the source reads its sockets ({@code netlink}, {@code proc}); "" by default. */
    public StateBuilder reader(String name) {
        reader = name;
        return this;
    }

    public StateBuilder interval(Duration d) {
        interval = d;
        return this;
    }

    public StateBuilder startedAt(Instant t) {
        startedAt = t;
        return this;
    }

    public StateBuilder definitions(List<ListeningRow> listening, List<ConnectionRow> connections) {
        return definitions(new Definitions(listening, connections));
    }

    public StateBuilder definitions(Definitions d) {
        definitions = d;
        return this;
    }

    /** One successful scan at {@code at} that evaluated to {@code result}. */
    public StateBuilder scanned(Instant at, Evaluation result) {
        scannedAt = at;
        evaluation = result;
        return this;
    }

    /**
     * One successful scan at {@link #SCANNED} that evaluated to these results (host counts empty, no unexpected
     * listeners), with the results' rows as the definitions in force.
     */
    public StateBuilder results(List<ListeningResult> listening, List<ConnectionResult> connections,
                                List<ProcessSockets> processes) {
        definitions(listening.stream().map(ListeningResult::row).toList(),
                connections.stream().map(ConnectionResult::row).toList());
        return scanned(SCANNED, new Evaluation(SCANNED, listening, connections, processes, counts(), List.of()));
    }

    public StateBuilder took(Duration d) {
        took = d;
        return this;
    }

    public MonitorState build() {
        MonitorState s = MonitorState.initial(host, version, source, reader, interval, startedAt);
        if (definitions != null) {
            s = s.withDefinitions(definitions, false);
        }
        return evaluation == null ? s : s.withScan(scannedAt, took, false, evaluation);
    }

    /**
     * The result of listening row {@code id} (port {@code port}, owned by sshd) with that health, tested at
     * {@link #SCANNED}, matching those sockets.
     */
    public static ListeningResult listening(String id, int port, Health health, SocketEntry... matched) {
        ListeningReason code = switch (health) {
            case GREEN -> ListeningReason.LISTENING;
            case YELLOW -> ListeningReason.OTHER_OWNER;
            case RED -> ListeningReason.NOT_LISTENING;
        };
        ListeningRow row = Rows.listening(id).port(port).proc("sshd").comment("the " + id + " port").build();
        return new ListeningResult(row, code, id + " is " + health, SCANNED, List.of(matched),
                "tcpListenOnweb01ForsshdOn" + port);
    }

    /**
     * The result of connection row {@code id} (java to 10.0.0.5:1433, at least 1, warning) with that health and
     * those counts by state, tested at {@link #SCANNED}, matching those sockets.
     */
    public static ConnectionResult connection(String id, Health health, Map<SocketState, Integer> byState,
                                              SocketEntry... matched) {
        ConnectionReason code = switch (health) {
            case GREEN -> ConnectionReason.COUNT_AS_EXPECTED;
            case YELLOW -> ConnectionReason.TOO_FEW;
            case RED -> ConnectionReason.NO_CONNECTION;
        };
        ConnectionRow row = Rows.connection(id).remoteIP("10.0.0.5").remotePort(1433).proc("java").min(1)
                .severity(Severity.WARNING).source("monitoredTcpConnects.csv", 3).build();
        return new ConnectionResult(row, code, id + " is " + health, SCANNED, List.of(matched), byState,
                "tcpConnectOnweb01ForjavaTo10.0.0.5:1433");
    }

    /** One process of one pid and user, counting those sockets. */
    public static ProcessSockets process(String name, int pid, String user, SocketEntry... sockets) {
        SocketCounts.Builder counts = new SocketCounts.Builder();
        for (SocketEntry s : sockets) {
            counts.add(s.protocol(), s.state());
        }
        SocketCounts built = counts.build();
        return new ProcessSockets(name, List.of(pid), List.of(user), built, Map.of(pid, built));
    }

    /** Counts from (protocol, state, n) triples: {@code counts(Protocol.TCP, SocketState.LISTEN, 2, ...)}. */
    public static SocketCounts counts(Object... triples) {
        if (triples.length % 3 != 0) {
            throw new IllegalArgumentException("counts: (protocol, state, n) triples, found " + triples.length
                    + " values");
        }
        SocketCounts.Builder b = new SocketCounts.Builder();
        for (int i = 0; i < triples.length; i += 3) {
            for (int n = 0; n < (Integer) triples[i + 2]; n++) {
                b.add((Protocol) triples[i], (SocketState) triples[i + 1]);
            }
        }
        return b.build();
    }
}
