package io.portwatch.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.portwatch.config.SettingKey;
import io.portwatch.http.Answers;
import io.portwatch.state.MonitorState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves {@code /metrics}: the Prometheus text format or OpenMetrics as the {@code Accept} header asks
 * ({@link ExpositionFormat}: never protobuf, never an error for any header), gzip when asked. A published state is
 * rendered once per format into immutable bytes ({@link ExpositionCache}; its gzip form is compressed once from
 * those) on one render thread, never by a scrape: a scrape only writes bytes, shared by every concurrent scrape (no
 * copy per request); the first scrape of a new state waits for its rendering, the others meanwhile get the previous
 * state's bytes. Rules 1 and 2 of docs/design.md §5: the exposition fits {@code prometheus.maxResponseSize} by
 * construction ({@link BoundedExposition}: when all rows' series would not fit, the worst rows' are published and the
 * others counted in {@code portwatch_rows_omitted}, logged once); rendering stops at that many bytes, and only when
 * even the fixed part passes it do scrapes get 503 naming it (logged once); at most
 * {@code prometheus.maxConcurrentScrapes} responses are in flight (one more gets 503 at once).
 */
final class MetricsHandler implements HttpHandler, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetricsHandler.class.getName());
    private static final String PLAIN = "text/plain; charset=utf-8";

    private final Supplier<MonitorState> state;
    private final ProcessLabels labels;
    private final ExpositionLimits limits;
    private final Semaphore inFlight;
    private final ExpositionCache<Rendering> cache = new ExpositionCache<>();
    private final Map<ExpositionFormat, AtomicBoolean> overBudgetLogged = new EnumMap<>(ExpositionFormat.class);
    /** Whether rows left out were logged: once while rows are left out, again after a rendering kept them all. */
    private final AtomicBoolean omissionLogged = new AtomicBoolean();
    /**
     * Renders for every scrape, one state and format at a time: a scrape never renders itself, and two formats
     * asked at once never hold two renderings' heap. Its one daemon thread ends when idle and on close.
     */
    private final ThreadPoolExecutor renderer = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
                Thread t = new Thread(task, PrometheusEndpoint.THREAD_PREFIX + "render");
                t.setDaemon(true);
                return t;
            });

    MetricsHandler(Supplier<MonitorState> state, boolean pidLabel) {
        this(state, new ProcessLabels(pidLabel, false), ExpositionLimits.DEFAULTS);
    }

    MetricsHandler(Supplier<MonitorState> state, ProcessLabels labels, ExpositionLimits limits) {
        this.state = Objects.requireNonNull(state, "state");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.inFlight = new Semaphore(limits.maxInFlight());
        renderer.allowCoreThreadTimeOut(true);
        for (ExpositionFormat f : ExpositionFormat.values()) {
            overBudgetLogged.put(f, new AtomicBoolean());
        }
    }

    /** One state's exposition in one format and encoding: its bytes, or null when it is over the budget. */
    private record Rendering(ExpositionBody body) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "GET or HEAD only\n");
                return;
            }
            if (!inFlight.tryAcquire()) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                reply(exchange, 503, "more than " + limits.maxInFlight() + " /metrics responses in flight ("
                        + SettingKey.PROMETHEUS_MAX_CONCURRENT_SCRAPES.key() + "); try again\n");
                return;
            }
            try {
                serve(exchange);
            } finally {
                inFlight.release();
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        // every value: the server may split one header line at its commas, and the second range may be the one
        List<String> accept = exchange.getRequestHeaders().get("Accept");
        ExpositionFormat format = ExpositionFormat.forAccept(accept == null ? null : String.join(",", accept));
        boolean gzip = String.valueOf(exchange.getRequestHeaders().get("Accept-Encoding")).contains("gzip");
        Rendering rendering;
        try {
            rendering = rendering(state.get(), format, gzip);
        } catch (RuntimeException e) {
            reply(exchange, 500, "cannot render the metrics: " + e.getClass().getSimpleName() + "\n");
            return;
        }
        if (rendering.body() == null) {
            reply(exchange, 503, overBudget());
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", format.contentType());
        if (gzip) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        write(exchange, 200, rendering.body());
    }

    private Rendering rendering(MonitorState current, ExpositionFormat format, boolean gzip) {
        Rendering plain = cache.get(format.name(), current, () -> onRenderer(() -> render(current, format)));
        if (!gzip || plain.body() == null) {
            return plain;
        }
        return cache.get(format.name() + "+gzip", current, () -> onRenderer(() -> new Rendering(plain.body().gzip())));
    }

    /** {@code work} done on the render thread; the scrape waits for it (or for the previous state's bytes). */
    private Rendering onRenderer(Callable<Rendering> work) {
        try {
            return renderer.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the exposition rendered", e);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the endpoint is closed", e);
        }
    }

    /** Ends the render thread. */
    @Override
    public void close() {
        renderer.shutdownNow();
    }

    private Rendering render(MonitorState current, ExpositionFormat format) {
        BoundedExposition.Result result = BoundedExposition.render(current, format, labels, limits.maxBytes());
        if (result.body() == null) {
            if (overBudgetLogged.get(format).compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "portwatch: /metrics not served: " + overBudget().trim());
            }
            return new Rendering(null);
        }
        overBudgetLogged.get(format).set(false);
        RowSelection rows = result.rows();
        if (rows.omitted() == 0) {
            omissionLogged.set(false);
        } else if (omissionLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, omission(rows));
        }
        return new Rendering(result.body());
    }

    private String omission(RowSelection rows) {
        return "portwatch: /metrics leaves out the per-row series of " + rows.omitted() + " row(s)"
                + (rows.omittedAllGreen() ? ", all GREEN," : "") + " (" + rows.omittedListening() + " listening, "
                + rows.omittedConnections() + " connection): all rows would not fit "
                + SettingKey.PROMETHEUS_MAX_RESPONSE_SIZE.key() + " (" + limits.maxBytes() + " bytes); RED rows are"
                + " kept first, then YELLOW, then GREEN, and portwatch_rows_omitted counts the others. Raise the"
                + " setting or load fewer rows";
    }

    private String overBudget() {
        return "the metrics exposition is larger than " + SettingKey.PROMETHEUS_MAX_RESPONSE_SIZE.key() + " ("
                + limits.maxBytes() + " bytes) even without most rows' series: rendering stopped there; raise the"
                + " setting\n";
    }

    /**
     * Writes the cached bytes: the one place a response body of {@code /metrics} is written, as they are (never
     * copied per scrape) and without holding a thread while the client reads ({@code http.Answers}).
     */
    private static void write(HttpExchange exchange, int status, ExpositionBody body) throws IOException {
        Answers.send(exchange, status, body.buffer());
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", PLAIN);
        Answers.send(exchange, status, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}
