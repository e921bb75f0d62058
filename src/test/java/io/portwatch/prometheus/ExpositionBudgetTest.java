package io.portwatch.prometheus;

import io.portwatch.config.SettingKey;
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
    void anExpositionOverTheBudgetIsA503NamingTheSettingAndTheSizeLoggedOnce() throws IOException {
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
        Logger log = Logger.getLogger(CachedExposition.class.getName());
        log.addHandler(handler);
        try (PrometheusEndpoint endpoint = start(States::scanned, new ExpositionLimits(1000, 4))) {
            for (int i = 0; i < 3; i++) {
                for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
                    HttpResponse<String> r = Http.get(endpoint.port(), PrometheusEndpoint.PATH, accept);
                    assertEquals(503, r.statusCode(), r.body());
                    assertEquals("the metrics exposition is larger than prometheus.maxResponseSize (1000 bytes):"
                            + " rendering stopped there; raise the setting or load fewer rows\n", r.body());
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
    void theEstimateIsALowerBoundOfTheExpositionInBothFormats() {
        for (MonitorState state : List.of(States.initial(), States.scanned(), States.inNamespaces(),
                LargeStateServer.state(2000))) {
            long estimate = ExpositionEstimate.lowerBound(state);
            assertTrue(estimate > 0);
            for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
                long size = Exposition.render(state, false, accept).getBytes(StandardCharsets.UTF_8).length;
                assertTrue(estimate <= size, "estimate " + estimate + " > exposition " + size);
            }
        }
    }

    @Test
    void aStateWhoseRowsSurelyPassTheBudgetIsA503WithoutRenderingIt() throws IOException {
        MonitorState large = LargeStateServer.state(2000);
        long budget = ExpositionEstimate.lowerBound(large) - 1;
        try (PrometheusEndpoint endpoint = start(() -> large, new ExpositionLimits(budget, 4))) {
            HttpResponse<String> r = Http.get(endpoint.port(), PrometheusEndpoint.PATH, null);
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("prometheus.maxResponseSize (" + budget + " bytes)"), r.body());
        }
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
    void theDefaultBudgetIsTheCataloguesSixteenMegabytesAndThirtyTwoResponses() {
        assertEquals(16L << 20, ExpositionLimits.DEFAULTS.maxBytes());
        assertEquals("16MB", SettingKey.PROMETHEUS_MAX_RESPONSE_SIZE.defaultValue());
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
