package io.portwatch.jmx;

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
import io.portwatch.state.MonitorControl;
import io.portwatch.state.MonitorState;
import io.portwatch.health.ProcessSockets;
import io.portwatch.health.SocketCounts;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.Rows;
import io.portwatch.testing.Sockets;
import io.portwatch.testing.StateBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Hand-built states, a fake monitor that publishes them, and a counting control (no OS involved). */
final class States {

    static final Instant STARTED = Instant.parse("2026-11-22T09:59:00Z");
    static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    private States() {
    }

    static ListeningRow listenRow(String id, int port, String proc) {
        return Rows.listening(id).port(port).proc(proc).comment("the " + id + " port").build();
    }

    static ConnectionRow connectRow(String id, String remoteIP, int port, String proc, int min, Integer max) {
        return Rows.connection(id).remoteIP(remoteIP).remotePort(port).proc(proc).min(min).max(max)
                .severity(Severity.WARNING).source("monitoredTcpConnects.csv", 3).build();
    }

    static SocketEntry listener(int port, int pid) {
        return Sockets.listen("0.0.0.0", port, 1, pid);
    }

    static SocketEntry connection(String remote, int port, SocketState state, int pid) {
        return Sockets.tcp("10.0.0.1", 40000 + pid, remote, port, state, 2, pid);
    }

    static ListeningResult listening(String id, int port, Health health, SocketEntry... matched) {
        ListeningReason code = switch (health) {
            case GREEN -> ListeningReason.LISTENING;
            case YELLOW -> ListeningReason.OTHER_OWNER;
            case RED -> ListeningReason.NOT_LISTENING;
        };
        return new ListeningResult(listenRow(id, port, "sshd"), code, id + " is " + health, AT, List.of(matched),
                "tcpListenOnweb01ForsshdOn" + port);
    }

    static ConnectionResult connection(String id, Health health, Map<SocketState, Integer> byState,
                                       SocketEntry... matched) {
        ConnectionReason code = switch (health) {
            case GREEN -> ConnectionReason.COUNT_AS_EXPECTED;
            case YELLOW -> ConnectionReason.TOO_FEW;
            case RED -> ConnectionReason.NO_CONNECTION;
        };
        return new ConnectionResult(connectRow(id, "10.0.0.5", 1433, "java", 1, null), code, id + " is " + health, AT,
                List.of(matched), byState, "tcpConnectOnweb01ForjavaTo10.0.0.5:1433");
    }

    static ProcessSockets process(String name, int pid, String user, SocketEntry... sockets) {
        SocketCounts.Builder counts = new SocketCounts.Builder();
        for (SocketEntry s : sockets) {
            counts.add(s.protocol(), s.state());
        }
        SocketCounts built = counts.build();
        return new ProcessSockets(name, List.of(pid), List.of(user), built, Map.of(pid, built));
    }

    /** The state before any scan, with no definitions. */
    static MonitorState initial() {
        return new StateBuilder().startedAt(STARTED).build();
    }

    /** A state after one successful scan that evaluated these results. */
    static MonitorState scanned(List<ListeningResult> listening, List<ConnectionResult> connections,
                                List<ProcessSockets> processes) {
        Definitions definitions = new Definitions(
                listening.stream().map(ListeningResult::row).collect(Collectors.toList()),
                connections.stream().map(ConnectionResult::row).collect(Collectors.toList()));
        Evaluation evaluation = new Evaluation(AT, listening, connections, processes, new SocketCounts.Builder().build(),
                List.of());
        return initial().withDefinitions(definitions, false).withScan(AT, Duration.ofMillis(12), false, evaluation);
    }

    /** Holds the current state and publishes the next one to a listener, as the monitor does. */
    static final class FakeMonitor implements Supplier<MonitorState> {
        private final AtomicReference<MonitorState> state = new AtomicReference<>(initial());
        private JmxPublisher publisher;

        void attach(JmxPublisher p) {
            this.publisher = p;
        }

        void publish(MonitorState next) {
            MonitorState previous = state.getAndSet(next);
            publisher.published(previous, next);
        }

        /** Swaps the state without telling the publisher (a reader between swap and listener). */
        void swapOnly(MonitorState next) {
            state.set(next);
        }

        @Override
        public MonitorState get() {
            return state.get();
        }
    }

    /** Counts the calls of the Agent's operations. */
    static final class CountingControl implements MonitorControl {
        final AtomicInteger scans = new AtomicInteger();
        final AtomicInteger reloads = new AtomicInteger();

        @Override
        public void scanNow() {
            scans.incrementAndGet();
        }

        @Override
        public void reloadDefinitions() {
            reloads.incrementAndGet();
        }
    }

}
