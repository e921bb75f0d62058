package io.portwatch.prometheus;

import io.portwatch.state.MonitorState;
import io.portwatch.http.EndpointOptions;
import io.portwatch.http.EndpointServer;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Prometheus endpoint: {@code http://HOST:PORT/metrics} (that path only), text format or
 * OpenMetrics as the scraper's {@code Accept} header asks (any other header, protobuf-first included, gets text). Every scrape reads the last published
 * state through the supplier and nothing else (docs/design.md §1).
 *
 * <p>Each published state is rendered once per format and served from that cache to every scrape
 * ({@link MetricsHandler}), so concurrent scrapers cost one rendering and share its bytes; the exposition has a
 * byte budget and the responses in flight a bound ({@link ExpositionLimits}). Manners inside a host JVM
 * (docs/design.md §5): served by a hardened {@link EndpointServer} (request deadlines, connection cap, body
 * limit, basic authentication and TLS configured like Jolokia's), the client library's format writers
 * only (no default registry, which the application may use; no client configuration read from the
 * application's {@code io.prometheus.*} properties; no system property set), and only daemon threads
 * named {@code portwatch-prometheus-*}.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    /** The path metrics are served on. */
    public static final String PATH = "/metrics";

    /** Prefix of every thread the endpoint runs. */
    static final String THREAD_PREFIX = "portwatch-prometheus-";

    private final EndpointServer server;
    private final MetricsHandler exposition;

    private PrometheusEndpoint(EndpointServer server, MetricsHandler exposition) {
        this.server = server;
        this.exposition = exposition;
    }

    /**
     * Starts serving.
     *
     * @param options  where and how to serve ({@code prometheus.*} and {@code http.*} settings)
     * @param state    the last published state; called once per scrape, never waits for a scan
     * @param pidLabel whether {@code portwatch_process_sockets} gets a {@code pid} label
     * @throws IOException              with a message naming {@code host:port} when the address cannot be bound
     *                                  (port in use, address not local, unknown host) or a TLS file cannot be used
     * @throws IllegalArgumentException when the address is not loopback and no user is set
     */
    public static PrometheusEndpoint start(EndpointOptions options, Supplier<MonitorState> state, boolean pidLabel)
            throws IOException {
        return start(options, state, new ProcessLabels(pidLabel, false));
    }

    /**
     * Starts serving, {@code portwatch_process_sockets} with the opt-in {@code labels} ({@code prometheus.pidLabel},
     * {@code prometheus.netnsLabel}); otherwise as {@link #start(EndpointOptions, Supplier, boolean)}.
     */
    public static PrometheusEndpoint start(EndpointOptions options, Supplier<MonitorState> state, ProcessLabels labels)
            throws IOException {
        return start(options, state, labels, ExpositionLimits.DEFAULTS);
    }

    /**
     * Starts serving with the byte budget {@code limits} ({@code prometheus.maxResponseSize},
     * {@code prometheus.maxConcurrentScrapes}); otherwise as {@link #start(EndpointOptions, Supplier, ProcessLabels)}.
     */
    public static PrometheusEndpoint start(EndpointOptions options, Supplier<MonitorState> state, ProcessLabels labels,
                                           ExpositionLimits limits) throws IOException {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(limits, "limits");
        MetricsHandler exposition = new MetricsHandler(state, labels, limits);
        try {
            return new PrometheusEndpoint(EndpointServer.start(options,
                    EndpointServer.Route.exact("prometheus", PATH, exposition)), exposition);
        } catch (IOException | RuntimeException e) {
            exposition.close();
            throw e;
        }
    }

    /** Plain http on {@code host:port} without authentication and with the default limits. */
    public static PrometheusEndpoint start(String host, int port, Supplier<MonitorState> state, boolean pidLabel)
            throws IOException {
        return start(host, port, state, new ProcessLabels(pidLabel, false));
    }

    /** Plain http on {@code host:port}, {@code portwatch_process_sockets} with the opt-in {@code labels}. */
    public static PrometheusEndpoint start(String host, int port, Supplier<MonitorState> state, ProcessLabels labels)
            throws IOException {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IOException("Prometheus endpoint: cannot listen on " + host + ":" + port + ": port must be 0-65535");
        }
        return start(EndpointOptions.plain(EndpointOptions.Keys.PROMETHEUS, host, port), state, labels);
    }

    /** The port listened on (the one picked when started with port 0). */
    public int port() {
        return server.port();
    }

    /** Where metrics are served, e.g. {@code http://127.0.0.1:9798/metrics}. */
    public java.net.URI url() {
        return server.url("");
    }

    /** Stops listening and ends the endpoint's threads. Idempotent. */
    @Override
    public void close() {
        server.close();
        exposition.close();
    }
}
