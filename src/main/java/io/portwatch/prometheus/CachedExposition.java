package io.portwatch.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.portwatch.http.Answers;
import io.portwatch.state.MonitorState;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Serves {@code /metrics}: the format the {@code Accept} header asks for (Prometheus text,
 * OpenMetrics or protobuf, chosen by the client library), gzip when asked. A state is rendered once
 * per format and encoding and the bytes are served to every scrape until the next state is
 * published: 50 concurrent scrapers cost one rendering, not fifty, and none waits for another's
 * rendering ({@link ExpositionCache}).
 */
final class CachedExposition implements HttpHandler {

    /**
     * The JDK server copies each write into a buffer that its connection keeps, grown to twice the
     * largest write: one 3 MB write per response would leave 6 MB on every kept-alive connection
     * (50 scrapers: 300 MB of the host's heap). Writing in slices bounds that to twice this much.
     */
    static final int WRITE_SLICE = 1 << 16;

    private final Supplier<MonitorState> state;
    private final ProcessLabels labels;
    private final ExpositionFormats formats = ExpositionFormats.init(PrometheusProperties.builder().build());
    private final ExpositionCache cache = new ExpositionCache();

    CachedExposition(Supplier<MonitorState> state, boolean pidLabel) {
        this(state, new ProcessLabels(pidLabel, false));
    }

    CachedExposition(Supplier<MonitorState> state, ProcessLabels labels) {
        this.state = state;
        this.labels = Objects.requireNonNull(labels, "labels");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
            String encodings = String.valueOf(exchange.getRequestHeaders().get("Accept-Encoding"));
            boolean gzip = encodings.contains("gzip");
            byte[] body;
            try {
                body = bytes(state.get(), writer, gzip);
            } catch (RuntimeException e) {
                reply(exchange, 500, "text/plain; charset=utf-8",
                        ("cannot render the metrics: " + e.getClass().getSimpleName() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (gzip) {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            reply(exchange, 200, writer.getContentType(), body);
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        // the cached bytes as they are: never copied per scrape, written without holding a thread (http.Answers)
        Answers.send(exchange, status, ByteBuffer.wrap(body));
    }

    private byte[] bytes(MonitorState current, ExpositionFormatWriter writer, boolean gzip) {
        return cache.bytes(writer.getContentType() + (gzip ? "+gzip" : ""), current, () -> render(current, writer, gzip));
    }

    private byte[] render(MonitorState current, ExpositionFormatWriter writer, boolean gzip) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
            try (OutputStream out = gzip ? new GZIPOutputStream(buffer, 1 << 16) : buffer) {
                writer.write(out, PortwatchCollector.snapshots(current, labels));
            }
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
