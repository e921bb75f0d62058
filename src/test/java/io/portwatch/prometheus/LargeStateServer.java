package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.http.EndpointOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.state.MonitorState;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.Rows;
import io.portwatch.testing.StateBuilder;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A child process for {@link ScrapeMemoryTest}: serves {@code /metrics} for a state of {@code rows}
 * definition rows on a free loopback port, prints {@code PORT <n>}, and stops when its stdin closes.
 */
public final class LargeStateServer {

    private LargeStateServer() {
    }

    public static void main(String[] args) throws Exception {
        MonitorState state = state(Integer.parseInt(args[0]));
        // ScrapeMemoryTest's 50 scrapers all in flight at once: more than prometheus.maxConcurrentScrapes' default
        ExpositionLimits limits = new ExpositionLimits(ExpositionLimits.DEFAULTS.maxBytes(), 64);
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(
                EndpointOptions.plain(EndpointOptions.Keys.PROMETHEUS, "127.0.0.1", 0), () -> state,
                new ProcessLabels(false, false), limits)) {
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
            listening.add(Rows.listening("l" + i).port(port).proc("svc-*").source("l.csv", i + 2).build());
            int remote = 20_000 + i % 50;
            connections.add(Rows.connection("c" + i).remoteIP(lo).remotePort(remote).proc("svc-*").severity(Severity.WARNING)
                    .source("c.csv", i + 2).build());
        }
        Definitions definitions = new Definitions(listening, connections);
        Snapshot snapshot = new Snapshot(Instant.now(), Duration.ofMillis(100), sockets, processes);
        return new StateBuilder().host("big").version("test").source("synthetic").startedAt(Instant.now())
                .definitions(listening, connections).took(snapshot.duration())
                .scanned(snapshot.takenAt(), Evaluator.evaluate(definitions, snapshot, ResolvedNames.NONE,
                        EvaluationOptions.forHost("big")))
                .build();
    }
}
