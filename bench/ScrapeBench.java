// Scrape latency under concurrency (issue 7, item 3): 50 concurrent scrapers against the real
// Prometheus endpoint serving 10k rows. Loopback only; bounded in requests and time.
//
//   mvn -q -B -DskipTests package && java -cp target/portwatch.jar bench/ScrapeBench.java [scrapers=50] [requestsEach=40] [rows=10000]

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.MonitorState;
import io.portwatch.prometheus.PrometheusEndpoint;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

public class ScrapeBench {
    public static void main(String[] args) throws Exception {
        int scrapers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int each = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;

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
        MonitorState state = MonitorState.initial("bench", "bench", "synthetic", Duration.ofSeconds(15), Instant.now())
                .withDefinitions(definitions, false)
                .withScan(snapshot.takenAt(), snapshot.duration(), false,
                        Evaluator.evaluate(definitions, snapshot, ResolvedNames.NONE, EvaluationOptions.forHost("bench")));

        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, () -> state, false)) {
            URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics");
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Accept-Encoding", "gzip").build(); // as Prometheus asks
            long bytes = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
            for (int i = 0; i < 20; i++) {
                http.send(request, HttpResponse.BodyHandlers.discarding()); // warm-up
            }
            ExecutorService pool = Executors.newFixedThreadPool(scrapers);
            List<Future<long[]>> futures = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int s = 0; s < scrapers; s++) {
                futures.add(pool.submit(() -> {
                    long[] latencies = new long[each];
                    for (int i = 0; i < each && System.nanoTime() < deadline; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + r.statusCode());
                        }
                        latencies[i] = System.nanoTime() - t0;
                    }
                    return latencies;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                for (long l : f.get()) {
                    if (l > 0) {
                        all.add(l);
                    }
                }
            }
            pool.shutdownNow();
            long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%d rows, %d scrapers x %d requests (%d done), response %d bytes: p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms%n", rows, scrapers, each, sorted.length, bytes, sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
            System.exit(0);
        }
    }
}
