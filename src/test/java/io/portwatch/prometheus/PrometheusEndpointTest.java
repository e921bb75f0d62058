package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.OPENMETRICS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.portwatch.config.SettingKey;
import io.portwatch.state.MonitorState;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.linux.LinuxSocketSource;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The endpoint as Prometheus sees it: a real server on port 0, called with {@link java.net.http.HttpClient}. */
class PrometheusEndpointTest {

    private static final String LOOPBACK = "127.0.0.1";
    private static final long PID = ProcessHandle.current().pid();

    /** Supplies one fixed state and counts how often it is asked. */
    private static final class CountingSupplier implements Supplier<MonitorState> {
        final AtomicInteger calls = new AtomicInteger();
        private final MonitorState state;

        CountingSupplier(MonitorState state) {
            this.state = state;
        }

        @Override
        public MonitorState get() {
            calls.incrementAndGet();
            return state;
        }
    }

    @Test
    void textFormatIsServedOnMetricsAndParses() throws IOException {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, States::scanned, false)) {
            HttpResponse<String> r = Http.get(endpoint.port(), "/metrics", null);
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            TextFormat.parseText(r.body());
            assertEquals(Exposition.render(States.scanned(), false, null), r.body());
        }
    }

    @Test
    void openMetricsIsServedWhenTheAcceptHeaderAsksForIt() throws IOException {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, States::scanned, false)) {
            HttpResponse<String> r = Http.get(endpoint.port(), "/metrics", "application/openmetrics-text; version=1.0.0");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                    r.headers().toString());
            assertTrue(r.body().endsWith("# EOF\n"), r.body());
            TextFormat.parseOpenMetrics(r.body());
            assertEquals(Exposition.render(States.scanned(), false, OPENMETRICS), r.body());
        }
    }

    @Test
    @Tag("promtool")
    void promtoolFindsNoProblemInTheTextFormat() throws IOException, InterruptedException {
        for (boolean pidLabel : new boolean[] {false, true}) {
            try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, States::scanned, pidLabel)) {
                String body = Http.get(endpoint.port(), "/metrics", null).body();
                Process promtool = new ProcessBuilder(promtool(), "check", "metrics").redirectErrorStream(true).start();
                try (OutputStream in = promtool.getOutputStream()) {
                    in.write(body.getBytes(StandardCharsets.UTF_8));
                }
                String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
                assertEquals("", output, "promtool check metrics (pidLabel=" + pidLabel + ") reported:\n" + output);
                assertEquals(0, promtool.exitValue(), output);
            }
        }
    }

    @Test
    @Tag("promtool")
    void netnsLabelsAreServedAsValidTextAndOpenMetricsThatPromtoolAccepts() throws IOException, InterruptedException {
        for (ProcessLabels labels : new ProcessLabels[] {new ProcessLabels(false, true), new ProcessLabels(true, true)}) {
            try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, States::inNamespaces, labels)) {
                String text = Http.get(endpoint.port(), "/metrics", null).body();
                String openMetrics = Http.get(endpoint.port(), "/metrics", OPENMETRICS).body();
                for (Map.Entry<String, Map<String, TextFormat.Family>> parsed : Map.of(
                        text, TextFormat.parseText(text), openMetrics, TextFormat.parseOpenMetrics(openMetrics)).entrySet()) {
                    String body = parsed.getKey();
                    Map<String, TextFormat.Family> families = parsed.getValue();
                    // ssh has no netns column: an empty value, as Prometheus reads a missing label
                    assertTrue(body.contains("portwatch_listening_port_health{id=\"ssh\",local_ip=\"*\","
                            + "local_port=\"22\",netns=\"\",process=\"sshd\""), body);
                    assertTrue(body.contains("portwatch_connection_health{id=\"upstream\",local_port=\"*\","
                            + "netns=\"*\","), body);
                    Set<String> namespaces = families.get("portwatch_process_sockets").samples().stream()
                            .map(x -> x.labels().get("netns")).collect(Collectors.toSet());
                    assertEquals(Set.of("host", "container:4f8e2a9c1b7d"), namespaces, body);
                    assertEquals(labels.pid(), families.get("portwatch_process_sockets").samples().stream()
                            .allMatch(x -> x.labels().containsKey("pid")), body);
                }
                assertEquals(Exposition.render(States.inNamespaces(), labels, null), text);
                assertEquals(Exposition.render(States.inNamespaces(), labels, OPENMETRICS), openMetrics);
                String output = promtoolCheckMetrics(text);
                assertEquals("", output, "promtool check metrics (" + labels + ") reported:\n" + output);
            }
        }
    }

    /** What {@code promtool check metrics} prints of {@code body}; fails unless it exits 0. */
    private static String promtoolCheckMetrics(String body) throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder(promtool(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, promtool.exitValue(), output);
        return output;
    }

    @Test
    void scrapesReadTheSupplierOnceEachAndNothingElse() throws IOException {
        CountingSupplier supplier = new CountingSupplier(States.scanned());
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, supplier, false)) {
            assertEquals(0, supplier.calls.get(), "starting must not read the state");
            for (int i = 1; i <= 3; i++) {
                Http.get(endpoint.port(), "/metrics", i % 2 == 0 ? OPENMETRICS : null);
                assertEquals(i, supplier.calls.get());
            }
        }
    }

    @Test
    void aScrapeThatFailsIsA500AndTheNextScrapeWorks() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        Supplier<MonitorState> failsOnce = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("no state yet");
            }
            return States.scanned();
        };
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, failsOnce, false)) {
            assertEquals(500, Http.get(endpoint.port(), "/metrics", null).statusCode());
            assertEquals(200, Http.get(endpoint.port(), "/metrics", null).statusCode());
        }
    }

    @Test
    void theDefaultHostIsLoopbackAndOnlyTheConfiguredPortIsOpened() throws IOException {
        assertEquals(LOOPBACK, SettingKey.PROMETHEUS_HOST.defaultValue());
        LinuxSocketSource sockets = new LinuxSocketSource();
        Set<String> before = myListeners(sockets);
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(SettingKey.PROMETHEUS_HOST.defaultValue(), 0,
                States::scanned, false)) {
            Http.get(endpoint.port(), "/metrics", null);
            Set<String> opened = new HashSet<>(myListeners(sockets));
            opened.removeAll(before);
            assertEquals(Set.of("tcp 127.0.0.1:" + endpoint.port()), opened);
        }
        assertEquals(before, myListeners(sockets), "closing must close the port");
    }

    @Test
    void aBusyPortIsAnIOExceptionNamingHostAndPort() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            int port = busy.getLocalPort();
            IOException e = assertThrows(IOException.class,
                    () -> PrometheusEndpoint.start(LOOPBACK, port, States::scanned, false).close());
            assertEquals("Prometheus endpoint cannot listen on 127.0.0.1:" + port + ": Address already in use",
                    e.getMessage());
        }
    }

    @Test
    void threadsAreDaemonsNamedPortwatchAndEndOnClose() throws IOException, InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Set<Thread> started;
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, States::scanned, false)) {
            for (int i = 0; i < 3; i++) {
                Http.get(endpoint.port(), "/metrics", null);
            }
            started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t))
                    .filter(t -> !t.getName().startsWith("HttpClient-")) // the test's own client
                    .collect(Collectors.toSet());
            assertFalse(started.isEmpty());
            for (Thread t : started) {
                assertTrue(t.isDaemon(), t + " is not a daemon");
                assertTrue(t.getName().startsWith("portwatch-"), t + " is not named portwatch-*");
            }
        }
        for (Thread t : started) {
            t.join(10_000);
            assertFalse(t.isAlive(), t + " still runs after close");
        }
    }

    @Test
    void closeReleasesThePortAndASecondCloseDoesNothing() throws IOException {
        PrometheusEndpoint endpoint = PrometheusEndpoint.start(LOOPBACK, 0, States::scanned, false);
        int port = endpoint.port();
        endpoint.close();
        assertDoesNotThrow(endpoint::close);
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName(LOOPBACK))) {
            assertEquals(port, again.getLocalPort(), "the port is free once the endpoint is closed");
        }
    }

    /** This JVM's TCP listening sockets, as {@code tcp ADDRESS:PORT}. */
    private static Set<String> myListeners(LinuxSocketSource source) throws IOException {
        List<SocketEntry> sockets = source.scan().sockets();
        return sockets.stream()
                .filter(s -> s.pid() == PID && s.state() == SocketState.LISTEN)
                .map(s -> s.protocol().label() + " " + Addresses.format(s.localAddress(), s.localPort()))
                .collect(Collectors.toSet());
    }

    /** promtool from PATH; missing fails the test (never skips it). */
    private static String promtool() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            File candidate = new File(dir, "promtool");
            if (!dir.isEmpty() && candidate.isFile() && candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return fail("promtool is not on PATH; bin/test installs it (Debian package prometheus)");
    }
}
