package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.state.MonitorState;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A child process for {@link ScrapeMemoryTest}: serves {@code /metrics} for a state of {@code rows}
 * definition rows on a free loopback port, prints {@code PORT <n>}, and stops when its stdin closes.
 */
public final class LargeStateServer {

    private LargeStateServer() {
    }

    public static void main(String[] args) throws Exception {
        MonitorState state = state(Integer.parseInt(args[0]));
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, () -> state, false)) {
            System.out.println("PORT " + endpoint.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our stdin
            }
        }
    }

    /** Half listening, half connection rows, evaluated against 10k established loopback sockets. */
    static MonitorState state(int rows) {
        InetAddress lo = Addresses.parseLiteral("127.0.0.1");
        List<SocketEntry> sockets = new ArrayList<>();
        Map<Integer, ProcessInfo> processes = new HashMap<>();
        for (int pid = 100; pid < 120; pid++) {
            processes.put(pid, new ProcessInfo(pid, "svc-" + pid, "svc", "root", "/usr/bin/svc", "svc", null));
        }
        for (int i = 0; i < 10_000; i++) {
            sockets.add(new SocketEntry(Protocol.TCP, lo, 30_000 + i % 20_000, lo, 20_000 + i % 50,
                    SocketState.ESTABLISHED, 1000 + i, 0, 100 + i % 20));
        }
        List<ListeningRow> listening = new ArrayList<>();
        List<ConnectionRow> connections = new ArrayList<>();
        for (int i = 0; i < rows / 2; i++) {
            int port = 1 + i % 60_000;
            listening.add(new ListeningRow("l" + i, Protocol.TCP, Optional.empty(), new PortRange(port, port),
                    NamePattern.of("svc-*"), "", NamePattern.ANY, Severity.CRITICAL, new Source("l.csv", i + 2)));
            int remote = 20_000 + i % 50;
            connections.add(new ConnectionRow("c" + i, Optional.of(lo), "", new PortRange(remote, remote), PortRange.ANY,
                    NamePattern.of("svc-*"), "", NamePattern.ANY, 1, OptionalInt.empty(), Severity.WARNING,
                    new Source("c.csv", i + 2)));
        }
        Definitions definitions = new Definitions(listening, connections);
        Snapshot snapshot = new Snapshot(Instant.now(), Duration.ofMillis(100), sockets, processes);
        return MonitorState.initial("big", "test", "synthetic", Duration.ofSeconds(15), Instant.now())
                .withDefinitions(definitions, false)
                .withScan(snapshot.takenAt(), snapshot.duration(), false,
                        Evaluator.evaluate(definitions, snapshot, ResolvedNames.NONE, EvaluationOptions.forHost("big")));
    }
}
