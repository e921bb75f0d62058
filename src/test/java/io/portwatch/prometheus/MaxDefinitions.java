package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.health.ConnectionReason;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningReason;
import io.portwatch.health.ListeningResult;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.UnexpectedListener;
import io.portwatch.scan.ListenCounters;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketState;
import io.portwatch.state.MonitorState;
import io.portwatch.testing.Rows;
import io.portwatch.testing.StateBuilder;
import io.portwatch.testing.States;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The largest state definitions can make (docs/design.md §2): {@link DefinitionsLoader#MAX_ROWS} rows in each file, all
 * in force on this host, every field at its longest (procName 512 characters, comment 1024, every other field 256),
 * every row evaluated with everything a result can carry: accept queue and backlog of each listening row, three socket
 * states and both queues of each connection row; {@code processes.max} (200) process names of 256 characters.
 */
final class MaxDefinitions {

    static final int PROC_NAME = 512;
    static final int COMMENT = 1024;
    static final int FIELD = 256;
    static final int PROCESSES_MAX = 200;
    static final String HOST = "web01";

    private MaxDefinitions() {
    }

    static MonitorState state() {
        return state(i -> Health.RED);
    }

    /** The largest state, row {@code i} of each file in the health {@code health.apply(i)}. */
    static MonitorState state(IntFunction<Health> health) {
        return state(DefinitionsLoader.MAX_ROWS, health);
    }

    /** {@code rows} rows in each file at their longest, row {@code i} of each file in {@code health.apply(i)}. */
    static MonitorState state(int rows, IntFunction<Health> health) {
        List<ListeningRow> listening = new ArrayList<>();
        List<ConnectionRow> connections = new ArrayList<>();
        List<ListeningResult> listeningResults = new ArrayList<>();
        List<ConnectionResult> connectionResults = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ListeningRow l = Rows.listening(longest("listening-" + i + "-", FIELD))
                    .localIP("fd00:1234:5678:9abc:def0:1234:5678:9abc").port(1 + i % 65_535)
                    .proc(longest("proc-" + i + "-", PROC_NAME)).comment(longest("comment " + i + " ", COMMENT))
                    .host(HOST + "*".repeat(FIELD - HOST.length())).severity(Severity.WARNING)
                    .source("monitoredListeningPorts.csv", i + 2L).netns(longest("container:" + i + "-", FIELD)).build();
            listening.add(l);
            Health h = health.apply(i);
            listeningResults.add(new ListeningResult(l, h == Health.RED ? ListeningReason.NOT_LISTENING
                    : h == Health.YELLOW ? ListeningReason.NOT_ACCEPTING : ListeningReason.LISTENING, "reason",
                    States.SCANNED, List.of(), "key", 4096, 4096));
            ConnectionRow c = Rows.connection(longest("connection-" + i + "-", FIELD))
                    .remoteIP("fd00:1234:5678:9abc:def0:1234:5678:9abc").remotePort(1 + i % 65_535).localPort("1-65535")
                    .remoteName(longest("db-" + i + ".", FIELD)).proc(longest("proc-" + i + "-", PROC_NAME))
                    .comment(longest("comment " + i + " ", COMMENT)).host(HOST + "*".repeat(FIELD - HOST.length())).min(1).max(1000)
                    .severity(Severity.WARNING).source("monitoredTcpConnects.csv", i + 2L)
                    .netns(longest("container:" + i + "-", FIELD)).build();
            connections.add(c);
            connectionResults.add(new ConnectionResult(c, h == Health.RED ? ConnectionReason.ONLY_CLOSE_WAIT
                    : h == Health.YELLOW ? ConnectionReason.TOO_FEW : ConnectionReason.COUNT_AS_EXPECTED, "reason",
                    States.SCANNED, List.of(), Map.of(SocketState.ESTABLISHED, 1000, SocketState.CLOSE_WAIT, 1000,
                    SocketState.SYN_SENT, 1000), "key", 1_000_000_000L, 1_000_000_000L));
        }
        List<ProcessSockets> processes = new ArrayList<>();
        for (int p = 0; p < PROCESSES_MAX; p++) {
            processes.add(new ProcessSockets(longest("process-" + p + "-", FIELD), List.of(1000 + p), List.of("app"),
                    StateBuilder.counts(Protocol.TCP, SocketState.ESTABLISHED, 2, Protocol.TCP, SocketState.LISTEN, 1),
                    Map.of()));
        }
        Evaluation evaluation = new Evaluation(States.SCANNED, listeningResults, connectionResults, processes,
                StateBuilder.counts(Protocol.TCP, SocketState.ESTABLISHED, 3), List.<UnexpectedListener>of(),
                new ListenCounters(3, 7));
        return new StateBuilder().host(HOST).version("test").source("synthetic").definitions(listening, connections)
                .took(Duration.ofMillis(100)).scanned(States.SCANNED, evaluation).build();
    }

    /** {@code prefix} padded with letters to {@code length} characters. */
    static String longest(String prefix, int length) {
        StringBuilder b = new StringBuilder(length).append(prefix);
        while (b.length() < length) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.toString();
    }
}
