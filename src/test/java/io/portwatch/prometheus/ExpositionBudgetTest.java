package io.portwatch.prometheus;

import io.portwatch.config.SettingKey;
import io.portwatch.health.Health;
import io.portwatch.http.EndpointOptions;
import io.portwatch.state.MonitorState;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule 1 of docs/design.md §5 on {@code /metrics}: every answer has a byte budget, and so do answers in flight. */
class ExpositionBudgetTest {

    private static final String LOOPBACK = "127.0.0.1";

    @Test
    void anExpositionWhoseFixedPartPassesTheBudgetIsA503NamingTheSettingAndTheSizeLoggedOnce() throws IOException {
        List<LogRecord> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(MetricsHandler.class.getName());
        log.addHandler(handler);
        try (PrometheusEndpoint endpoint = start(States::scanned, new ExpositionLimits(1000, 4))) {
            for (int i = 0; i < 3; i++) {
                for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
                    HttpResponse<String> r = Http.get(endpoint.port(), PrometheusEndpoint.PATH, accept);
                    assertEquals(503, r.statusCode(), r.body());
                    assertEquals("the metrics exposition is larger than prometheus.maxResponseSize (1000 bytes)"
                            + " even without most rows' series: rendering stopped there; raise the setting\n",
                            r.body());
                }
            }
        } finally {
            log.removeHandler(handler);
        }
        assertEquals(2, logged.size(), "once per format, not per scrape: " + logged.stream().map(LogRecord::getMessage)
                .toList());
        assertTrue(logged.get(0).getMessage().contains("prometheus.maxResponseSize (1000 bytes)"),
                logged.get(0).getMessage());
    }

    @Test
    void renderingStopsAtTheBudgetInsteadOfBuildingTheWholeExposition() throws IOException {
        MonitorState large = LargeStateServer.state(2000);
        ExpositionBody.Budgeted whole = new ExpositionBody.Budgeted(Long.MAX_VALUE);
        ExpositionFormat.TEXT.writer().write(whole, PortwatchCollector.snapshots(large, false));
        long size = whole.body().length();

        ExpositionBody.Budgeted cut = new ExpositionBody.Budgeted(size / 10);
        assertThrows(ExpositionBody.TooLarge.class,
                () -> ExpositionFormat.TEXT.writer().write(cut, PortwatchCollector.snapshots(large, false)));
        assertTrue(cut.body().length() <= size / 10, "never built past the budget: " + cut.body().length());

        ExpositionBody.Budgeted exact = new ExpositionBody.Budgeted(size);
        ExpositionFormat.TEXT.writer().write(exact, PortwatchCollector.snapshots(large, false));
        assertArrayEquals(whole.body().toByteArray(), exact.body().toByteArray(), "a budget of exactly the size fits");
    }

    @Test
    void theRowCostsAreAnUpperBoundOfWhatTheRowsAddInBothFormats() {
        for (MonitorState state : List.of(States.initial(), States.scanned(), States.inNamespaces(),
                LargeStateServer.state(2000), MaxDefinitions.state(300, i -> Health.values()[i % 3]))) {
            List<ExpositionEstimate.RowCost> rows = ExpositionEstimate.rows(state);
            for (ExpositionFormat format : ExpositionFormat.values()) {
                long whole = size(state, format, RowSelection.ALL);
                long fixed = size(state, format, ExpositionEstimate.first(rows, 0));
                assertTrue(whole - fixed <= ExpositionEstimate.total(rows), format + ": rows add " + (whole - fixed)
                        + " bytes, estimated " + ExpositionEstimate.total(rows));
                for (int n = 0; n <= rows.size(); n += Math.max(1, rows.size() / 7)) {
                    long part = size(state, format, ExpositionEstimate.first(rows, n));
                    assertTrue(part - fixed <= ExpositionEstimate.total(rows.subList(0, n)), format + ", " + n
                            + " rows");
                }
            }
        }
    }

    @Test
    void aStateWhoseRowsDoNotFitIsServedWithTheWorstRowsAndTheOthersCountedNeverA503() throws IOException {
        MonitorState large = MaxDefinitions.state(400, i -> i % 50 == 7 ? Health.RED : Health.GREEN);
        long budget = size(large, ExpositionFormat.OPENMETRICS, RowSelection.ALL) / 3;
        try (PrometheusEndpoint endpoint = start(() -> large, new ExpositionLimits(budget, 4))) {
            for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
                HttpResponse<String> r = Http.get(endpoint.port(), PrometheusEndpoint.PATH, accept);
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().getBytes(StandardCharsets.UTF_8).length <= budget);
                Map<String, TextFormat.Family> families = accept == null ? TextFormat.parseText(r.body())
                        : TextFormat.parseOpenMetrics(r.body());
                assertEquals(8, families.get("portwatch_listening_port_health").samples().stream()
                        .filter(s -> s.value() == 2).count(), "every RED listening row");
                double omitted = families.get("portwatch_rows_omitted").samples().stream()
                        .mapToDouble(TextFormat.Sample::value).sum();
                assertTrue(omitted > 0, "rows left out are counted");
                assertEquals(800 - omitted, families.get("portwatch_listening_port_health").samples().size()
                        + families.get("portwatch_connection_health").samples().size());
            }
        }
    }

    @Test
    void anyBudgetHoldsTheExpositionOrRefusesItWhenNotEvenTheFixedPartFits() {
        MonitorState state = MaxDefinitions.state(200, i -> Health.values()[i % 3]);
        long fixed = size(state, ExpositionFormat.OPENMETRICS, ExpositionEstimate.first(ExpositionEstimate.rows(state),
                0));
        long whole = size(state, ExpositionFormat.OPENMETRICS, RowSelection.ALL);
        for (long budget = fixed / 2; budget <= whole + 1000; budget += (whole - fixed / 2) / 23) {
            for (ExpositionFormat format : ExpositionFormat.values()) {
                BoundedExposition.Result r = BoundedExposition.render(state, format, new ProcessLabels(false, false),
                        budget);
                if (budget >= fixed) {
                    assertTrue(r.body() != null, format + ", budget " + budget + ": no 503 once the fixed part fits");
                }
                assertTrue(r.body() == null || r.body().length() <= budget, format + ", budget " + budget);
            }
        }
    }

    private static long size(MonitorState state, ExpositionFormat format, RowSelection rows) {
        ExpositionBody.Budgeted out = new ExpositionBody.Budgeted(Long.MAX_VALUE);
        try {
            format.writer().write(out, PortwatchCollector.snapshots(state, new ProcessLabels(false, false), rows));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.body().length();
    }

    @Test
    void aScrapeBeyondTheResponsesInFlightIsA503AtOnce() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<MonitorState> slow = () -> {
            if (inside.getCount() > 0) {
                inside.countDown();
                await(release);
            }
            return States.scanned();
        };
        try (PrometheusEndpoint endpoint = start(slow, new ExpositionLimits(ExpositionLimits.DEFAULTS.maxBytes(), 1))) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
                    + PrometheusEndpoint.PATH)).timeout(Duration.ofSeconds(30)).build();
            CompletableFuture<HttpResponse<String>> first = Http.CLIENT.sendAsync(request,
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(inside.await(30, TimeUnit.SECONDS), "the first scrape is in flight");

            HttpResponse<String> second = Http.get(endpoint.port(), PrometheusEndpoint.PATH, null);
            assertEquals(503, second.statusCode());
            assertEquals("1", second.headers().firstValue("Retry-After").orElse(""));
            assertEquals("more than 1 /metrics responses in flight (prometheus.maxConcurrentScrapes); try again\n",
                    second.body());

            release.countDown();
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, Http.get(endpoint.port(), PrometheusEndpoint.PATH, null).statusCode(),
                    "the slot is free again");
        } finally {
            release.countDown();
        }
    }

    @Test
    void concurrentScrapesOfOneStateShareOneRenderingNotACopyEach() throws Exception {
        ExpositionCache<ExpositionBody> cache = new ExpositionCache<>();
        MonitorState state = States.scanned();
        List<CompletableFuture<ExpositionBody>> scrapes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            scrapes.add(CompletableFuture.supplyAsync(() -> cache.get("TEXT", state, () -> {
                ExpositionBody.Budgeted out = new ExpositionBody.Budgeted(Long.MAX_VALUE);
                try {
                    ExpositionFormat.TEXT.writer().write(out, PortwatchCollector.snapshots(state, false));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return out.body();
            })));
        }
        ExpositionBody first = scrapes.get(0).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<ExpositionBody> s : scrapes) {
            assertSame(first, s.get(30, TimeUnit.SECONDS), "the same immutable bytes for every scrape");
        }
    }

    @Test
    void theDefaultBudgetIsTheCataloguesEightMegabytesAndThirtyTwoResponses() {
        assertEquals(8L << 20, ExpositionLimits.DEFAULTS.maxBytes());
        assertEquals("8MB", SettingKey.PROMETHEUS_MAX_RESPONSE_SIZE.defaultValue());
        assertEquals(32, ExpositionLimits.DEFAULTS.maxInFlight());
        assertThrows(IllegalArgumentException.class, () -> new ExpositionLimits(0, 1));
    }

    private static PrometheusEndpoint start(Supplier<MonitorState> state, ExpositionLimits limits) throws IOException {
        return PrometheusEndpoint.start(EndpointOptions.plain(EndpointOptions.Keys.PROMETHEUS, LOOPBACK, 0), state,
                new ProcessLabels(false, false), limits);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
