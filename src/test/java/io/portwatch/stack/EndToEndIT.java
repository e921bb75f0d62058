package io.portwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole stack on loopback: {@code portwatch run} watching a listener this test owns, a real
 * Prometheus (Debian's) scraping it with the shipped alert rules (their {@code for:} windows
 * shortened), and a real Alertmanager. Closing the listener must raise the listening-port-down
 * alert in Alertmanager with the right labels; reopening it must resolve the alert. A listener with
 * {@code listen(1)} that does not accept while clients connect must raise PortwatchListenerNotAccepting, and
 * accepting them must resolve it. In the same run every dashboard query must return data, and name only
 * metrics the endpoint serves.
 */
class EndToEndIT {

    /** How long the stack may take to show a change (scrape, rule evaluation, notification). */
    private static final Duration LIMIT = Duration.ofSeconds(120);
    /** How long rate() queries may take to have data: they need a few scrapes. */
    private static final Duration RATES_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Deque<Process> started = new ArrayDeque<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopEverythingStarted() throws InterruptedException {
        while (!started.isEmpty()) {
            Process p = started.pop();
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Process start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.push(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void listenerDownReachesAlertmanagerAndResolvesAndEveryDashboardQueryHasData() throws Exception {
        Path prometheusBin = Commands.require("prometheus", "prometheus");
        Path alertmanagerBin = Commands.require("prometheus-alertmanager", "prometheus-alertmanager");
        int metricsPort = freePort();
        int prometheusPort = freePort();
        int alertmanagerPort = freePort();

        ServerSocket watched = new ServerSocket();
        watched.setReuseAddress(true);
        watched.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int watchedPort = watched.getLocalPort();
        // an ESTABLISHED connection for the connection row, and a CLOSE_WAIT for the leak panel
        Socket client = new Socket(InetAddress.getLoopbackAddress(), watchedPort);
        Socket accepted = watched.accept();
        ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket halfClosed = new Socket(InetAddress.getLoopbackAddress(), peer.getLocalPort());
        peer.accept().close();
        // a saturated listener: backlog 1, never accepting while 6 clients connect (2 fit its queue)
        ServerSocket stuck = new ServerSocket();
        stuck.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        List<SocketChannel> stuckClients = new ArrayList<>();
        List<Socket> stuckAccepted = new CopyOnWriteArrayList<>();

        try {
            for (int i = 0; i < 6; i++) {
                SocketChannel c = SocketChannel.open();
                stuckClients.add(c);
                c.configureBlocking(false);
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), stuck.getLocalPort()));
            }
            Path defs = Files.createDirectories(dir.resolve("defs"));
            Files.writeString(defs.resolve("monitoredListeningPorts.csv"),
                    "id,ipProtocol,localIP,localPort,procName,comment,severity\n"
                            + "e2e-listener,tcp,127.0.0.1," + watchedPort + ",java,the test's listener,critical\n"
                            + "e2e-stuck,tcp,127.0.0.1," + stuck.getLocalPort() + ",java,a listener that does not accept,"
                            + "warning\n");
            Files.writeString(defs.resolve("monitoredTcpConnects.csv"),
                    "id,remoteIP,remoteName,remotePort,procName,comment\n"
                            + "e2e-connection,127.0.0.1,," + watchedPort + ",java,the test's client\n");
            start("portwatch", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    Path.of(System.getProperty("portwatch.jar", "target/portwatch.jar")).toString(), "run",
                    "--definitions=" + defs, "--interval=1", "--prometheus.port=" + metricsPort, "--jolokia.enabled=false",
                    "--unexpectedListeners=warn"));

            Path rules = dir.resolve("portwatch-alerts.yml");
            Files.writeString(rules, Commands.read("config/prometheus/portwatch-alerts.yml")
                    .replaceAll("(?m)^(\\s*)for: \\S+\\s*$", "$1for: 1s"));
            Path amConfig = dir.resolve("alertmanager.yml");
            Files.writeString(amConfig, "route:\n  receiver: sink\n  group_wait: 1s\n  group_interval: 1s\n"
                    + "receivers:\n  - name: sink\n");
            start("alertmanager", List.of(alertmanagerBin.toString(), "--config.file=" + amConfig,
                    "--storage.path=" + Files.createDirectories(dir.resolve("am-data")),
                    "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address="));
            Path promConfig = dir.resolve("prometheus.yml");
            Files.writeString(promConfig, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    + "rule_files:\n  - " + rules + "\n"
                    + "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:" + alertmanagerPort + "']\n"
                    + "scrape_configs:\n  - job_name: portwatch\n    static_configs:\n"
                    + "      - targets: ['127.0.0.1:" + metricsPort + "']\n");
            start("prometheus", List.of(prometheusBin.toString(), "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prom-data")),
                    "--web.listen-address=127.0.0.1:" + prometheusPort));

            String instance = "127.0.0.1:" + metricsPort;
            String health = "portwatch_listening_port_health{id=\"e2e-listener\"}";
            awaitQuery(prometheusPort, health, v -> v.equals("0"), "the row GREEN in Prometheus");

            // every dashboard query returns data while the stack is up (and names only served metrics)
            Set<String> served = servedMetricNames(metricsPort);
            watched.close(); // the listener goes away: RED, and the alert fires
            Map<?, ?> alert = awaitAlert(alertmanagerPort, "PortwatchListeningPortDown", true);
            Map<?, ?> labels = Json.object(alert.get("labels"), "labels");
            assertEquals("e2e-listener", labels.get("id"));
            assertEquals("critical", labels.get("severity"));
            assertEquals(instance, labels.get("instance"));
            assertEquals("portwatch", labels.get("job"));
            String description = String.valueOf(Json.object(alert.get("annotations"), "annotations").get("description"));
            // the reason label is the case's fixed text (docs/design.md §4), not the full reason with the port
            assertTrue(description.endsWith("Reason: not listening"), description);

            // the saturated listener: not accepting, with its queue and backlog in the alert
            Map<?, ?> notAccepting = awaitAlert(alertmanagerPort, "PortwatchListenerNotAccepting", true);
            Map<?, ?> stuckLabels = Json.object(notAccepting.get("labels"), "labels");
            assertEquals("e2e-stuck", stuckLabels.get("id"));
            assertEquals("warning", stuckLabels.get("severity"));
            String stuckDescription = String.valueOf(Json.object(notAccepting.get("annotations"), "annotations")
                    .get("description"));
            assertTrue(stuckDescription.contains("accept queue 2 of backlog 1"), stuckDescription);

            checkDashboards(prometheusPort, instance, served);

            // it accepts everything (also the clients whose SYN was dropped and who retry): the alert resolves
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        stuckAccepted.add(stuck.accept());
                    }
                } catch (IOException closed) {
                    // the test is over: the finally block closed the listener
                }
            }, "e2e-stuck-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            awaitAlert(alertmanagerPort, "PortwatchListenerNotAccepting", false);

            ServerSocket reopened = new ServerSocket();
            reopened.setReuseAddress(true);
            reopened.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), watchedPort));
            try {
                awaitAlert(alertmanagerPort, "PortwatchListeningPortDown", false);
            } finally {
                reopened.close();
            }
        } finally {
            watched.close();
            client.close();
            accepted.close();
            halfClosed.close();
            peer.close();
            stuck.close();
            for (SocketChannel c : stuckClients) {
                c.close();
            }
            for (Socket a : stuckAccepted) {
                a.close();
            }
        }
    }

    private String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private List<?> query(int prometheusPort, String expr) throws IOException, InterruptedException {
        String body = get("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        Map<?, ?> root = Json.object(Json.parse(body), "query answer");
        if (!"success".equals(root.get("status"))) {
            throw new AssertionError("query failed: " + expr + "\n" + body);
        }
        Map<?, ?> data = Json.object(root.get("data"), "data");
        Object result = data.get("result");
        return result instanceof List<?> list ? list : List.of(result);
    }

    private void awaitQuery(int prometheusPort, String expr, Predicate<String> wanted, String what) throws Exception {
        String[] last = {""};
        Poll.until(LIMIT, () -> what + " (" + expr + "), last: " + last[0] + logs(), () -> {
            try {
                List<?> result = query(prometheusPort, expr);
                if (!result.isEmpty()) {
                    List<?> value = Json.array(Json.object(result.get(0), "sample").get("value"), "value");
                    last[0] = String.valueOf(value.get(1));
                    return wanted.test(last[0]);
                }
            } catch (IOException | IllegalArgumentException e) {
                // not up yet: connection refused, or Prometheus' own "Service Unavailable" text while it starts
                last[0] = e.toString();
            }
            return false;
        });
    }

    /** The firing alert {@code name} (firing) or an empty map once no such alert is active (not firing). */
    private Map<?, ?> awaitAlert(int alertmanagerPort, String name, boolean firing) throws Exception {
        String[] last = {""};
        return Poll.value(LIMIT, () -> (firing ? "alert arrived: " : "alert resolved: ") + name + "\nlast: " + last[0]
                + logs(), () -> {
            try {
                last[0] = get("http://127.0.0.1:" + alertmanagerPort + "/api/v2/alerts");
                Map<?, ?> found = null;
                for (Object a : Json.array(Json.parse(last[0]), "alerts")) {
                    Map<?, ?> alert = Json.object(a, "alert");
                    Map<?, ?> labels = Json.object(alert.get("labels"), "labels");
                    // Alertmanager keeps a resolved alert for a while, its endsAt then in the past
                    boolean active = Instant.parse(String.valueOf(alert.get("endsAt"))).isAfter(Instant.now());
                    if (name.equals(labels.get("alertname")) && active) {
                        found = alert;
                    }
                }
                if (firing && found != null) {
                    return found;
                }
                if (!firing && found == null) {
                    return Map.of();
                }
            } catch (IOException | IllegalArgumentException e) {
                // not up yet: connection refused, or a text answer while Alertmanager starts
                last[0] = e.toString();
            }
            return null;
        });
    }

    private Set<String> servedMetricNames(int metricsPort) throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)").matcher(get("http://127.0.0.1:" + metricsPort + "/metrics"));
        while (m.find()) {
            names.add(m.group(1));
            if (m.group(2).equals("counter")) {
                names.add(m.group(1).endsWith("_total") ? m.group(1) : m.group(1) + "_total");
            }
            if (m.group(2).equals("info")) {
                names.add(m.group(1) + "_info");
            }
        }
        return names;
    }

    /** The metrics only a reader that measures TCP quality (netlink) serves. */
    private static final Set<String> QUALITY_METRICS = Set.of("portwatch_connection_rtt_seconds",
            "portwatch_connection_sent_segments_total", "portwatch_connection_retransmitted_segments_total",
            "portwatch_connection_stalled_sockets");

    private void checkDashboards(int prometheusPort, String instance, Set<String> served) throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, String> noDataYet = new TreeMap<>(); // query -> the dashboard file it is in
        // connection quality is measured only by the netlink reader: with another reader none of it is served, and
        // the queries of the "connection quality" panel are left out; once one is served, all must have data
        boolean qualityMeasured = QUALITY_METRICS.stream().anyMatch(served::contains);
        for (String file : List.of("grafana/dashboards/portwatch-overview.json", "grafana/dashboards/portwatch-host.json")) {
            Matcher m = Pattern.compile("\"expr\":\\s*(\"(?:[^\"\\\\]|\\\\.)*\")").matcher(Commands.read(file));
            while (m.find()) {
                String expr = (String) Json.parse(m.group(1));
                if (!qualityMeasured && PromQl.metricNames(expr).stream().anyMatch(QUALITY_METRICS::contains)) {
                    continue;
                }
                for (String metric : PromQl.metricNames(expr)) {
                    if (metric.startsWith("portwatch_") && !served.contains(metric)) {
                        problems.add(file + ": names " + metric + ", which the endpoint does not serve");
                    }
                }
                String concrete = expr.replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
                        .replace("$__interval", "15s").replace("$__range", "5m").replace("${job}", "portwatch")
                        .replace("$job", "portwatch").replace("${instance}", instance).replace("$instance", instance)
                        .replace("${process}", ".*").replace("$process", ".*");
                noDataYet.put(concrete, file);
            }
        }
        assertEquals(List.of(), problems, "dashboard queries" + logs());
        Poll.until(RATES_LIMIT, () -> "dashboard queries without data: " + noDataYet + logs(), () -> {
            for (String expr : List.copyOf(noDataYet.keySet())) {
                if (!query(prometheusPort, expr).isEmpty()) {
                    noDataYet.remove(expr);
                }
            }
            return noDataYet.isEmpty();
        });
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("portwatch", "prometheus", "alertmanager")) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
                out.append("\n--- ").append(name).append(" (last lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            } catch (IOException e) {
                out.append("\n--- ").append(name).append(": ").append(e);
            }
        }
        return out.toString();
    }
}
